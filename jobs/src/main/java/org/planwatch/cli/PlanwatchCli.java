package org.planwatch.cli;

import java.io.PrintWriter;
import org.planwatch.report.ReportCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The planwatch command line: {@code planwatch run | sql | serve | report | maintain}. */
@Command(
    name = "planwatch",
    mixinStandardHelpOptions = true,
    version = "planwatch 0.1.0",
    description = "Monitors five-year-plan targets of a city and its districts in Delta Lake tables.",
    subcommands = {RunCommand.class, SqlCommand.class, ServeCommand.class, ReportCommand.class, MaintainCommand.class,
        CommandLine.HelpCommand.class})
public final class PlanwatchCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (tests call this). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new PlanwatchCli());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          if (ExitCode.of(e) == ExitCode.INPUT_MISSING) {
            err.println("planwatch: " + e.getMessage());
            err.flush();
            return ExitCode.INPUT_MISSING;
          }
          err.println("planwatch: " + commandLine.getCommandName() + " failed: " + oneLine(e));
          if (Boolean.getBoolean("planwatch.trace") || System.getenv("PLANWATCH_TRACE") != null) {
            e.printStackTrace(err);
          } else {
            err.println("(set PLANWATCH_TRACE=1 for the stack trace)");
          }
          err.flush();
          return ExitCode.RUNTIME_FAILURE;
        });
    return cli.execute(args);
  }

  /** The root cause's message, on one line. */
  static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    String first = e.getMessage();
    if (root != e && first != null && !first.contains(message)) {
      message = first + " (cause: " + message + ")";
    }
    return message.replaceAll("\\s+", " ").trim();
  }
}
