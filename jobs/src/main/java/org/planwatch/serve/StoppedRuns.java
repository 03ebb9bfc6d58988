package org.planwatch.serve;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a served run whose client went away ({@link RunService.ClientGone}): its running Spark jobs
 * are cancelled, and so is every job it starts after, so it fails at its next step as a local run
 * stops with its process. Not by interrupting the run's thread: the server's embedded metastore
 * (Derby) shares the process and does not take interrupted I/O well. Each run's jobs carry its own
 * job group; the server's SQL sessions and other runs are not touched.
 */
public final class StoppedRuns extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger("planwatch");
  /** SparkContext.SPARK_JOB_GROUP_ID, private to Spark: the local property setJobGroup sets. */
  private static final String JOB_GROUP = "spark.jobGroup.id";
  private static final String GROUP_PREFIX = "planwatch served run ";
  private final SparkContext context;
  private final Set<String> stopped = ConcurrentHashMap.newKeySet();

  private StoppedRuns(SparkContext context) {
    this.context = context;
  }

  /** Listens to {@code context}'s jobs; one per serving process. */
  public static StoppedRuns listeningTo(SparkContext context) {
    StoppedRuns runs = new StoppedRuns(context);
    context.addSparkListener(runs);
    return runs;
  }

  /** The reason a stopped run's jobs are cancelled with: what the run's failure then says. */
  static String reason(String runId) {
    return "because the client of served run " + runId + " went away (Ctrl-C or killed)";
  }

  /**
   * Runs {@code body} on this thread with its Spark jobs in the run's own group, stopped when the
   * client goes away. The run records its failure after leaving the group ({@link #leaveGroup}).
   */
  public <T> T run(String runId, RunService.ClientGone clientGone, Supplier<T> body) {
    String group = GROUP_PREFIX + runId;
    // Interrupting the run's tasks (not its thread) ends a long task at once.
    context.setJobGroup(group, "planwatch run " + runId + " (served)", true);
    clientGone.onGone(() -> stop(group, runId));
    try {
      return body.get();
    } finally {
      clientGone.onGone(null);
      stopped.remove(group);
      context.clearJobGroup();
    }
  }

  /**
   * Takes this thread's jobs out of a stopped run's group, so that what comes after the failure (its
   * row in ops.job_runs) is written. Nothing for a thread outside {@link #run}.
   */
  public static void leaveGroup(SparkContext context) {
    context.clearJobGroup();
  }

  private void stop(String group, String runId) {
    stopped.add(group);
    LOG.info("run {}: its client went away; cancelling its Spark jobs", runId);
    for (int job : context.statusTracker().getJobIdsForGroup(group)) {
      scala.Option<org.apache.spark.SparkJobInfo> info = context.statusTracker().getJobInfo(job);
      if (info.isDefined() && info.get().status() == org.apache.spark.JobExecutionStatus.RUNNING) {
        context.cancelJob(job, reason(runId));
      }
    }
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    String group = start.properties() == null ? null : start.properties().getProperty(JOB_GROUP);
    if (group != null && stopped.contains(group)) {
      context.cancelJob(start.jobId(), reason(group.substring(GROUP_PREFIX.length())));
    }
  }
}
