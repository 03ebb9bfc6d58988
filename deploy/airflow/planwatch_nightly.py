"""planwatch nightly DAG: one spark-submit of the -cluster jar per night, then weekly maintenance.

Requires apache-airflow-providers-apache-spark and a Spark connection `spark_planwatch` whose host is
the master (spark://spark-master:7077, k8s://..., or yarn), with spark-submit on the worker's PATH.
Copy jobs/target/planwatch-jobs-<version>-cluster.jar and datasets/ to PLANWATCH_HOME.

Exit codes (docs/operations.md): 0 ok, 1 runtime failure (retried), 2 usage, 3 missing or unreadable
input, 4 too many quarantined rows, 5 another run holds the warehouse (retried). Any non-zero code
fails the task; fix the data for 3 and 4 and clear the task.
"""
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.operators.python import ShortCircuitOperator
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

PLANWATCH_HOME = "/opt/planwatch"
JAR = f"{PLANWATCH_HOME}/planwatch-jobs-0.1.0-SNAPSHOT-cluster.jar"
WAREHOUSE = "/data/planwatch/warehouse"  # or s3a://bucket/planwatch with --metastore external|none

# Spark's Java 17 flags (jobs/target/jvm-options.txt), for the driver and the executors.
JAVA17_OPENS = " ".join(
    ["-XX:+IgnoreUnrecognizedVMOptions"]
    + [
        f"--add-opens=java.base/{package}=ALL-UNNAMED"
        for package in (
            "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio",
            "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "jdk.internal.ref",
            "sun.nio.ch", "sun.nio.cs", "sun.security.action", "sun.util.calendar",
        )
    ]
    + ["--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED"]
)

SPARK_CONF = {
    "spark.driver.extraJavaOptions": JAVA17_OPENS,
    "spark.executor.extraJavaOptions": JAVA17_OPENS,
    "spark.executor.memory": "2g",
    "spark.cores.max": "4",
    "spark.sql.shuffle.partitions": "8",
}

with DAG(
    dag_id="planwatch_nightly",
    description="Five-year-plan targets: datasets -> bronze -> silver -> gold Delta tables",
    schedule="30 2 * * *",
    start_date=pendulum.datetime(2024, 1, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,  # one writer per warehouse (planwatch also holds a lock on local warehouses)
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
    tags=["planwatch"],
) as dag:
    # The data interval ends at the run's night: evaluate as of that day. Reruns of past nights
    # (clear the task) recompute that date; MERGE makes them idempotent.
    run = SparkSubmitOperator(
        task_id="planwatch_run",
        conn_id="spark_planwatch",
        application=JAR,
        java_class="org.planwatch.cli.PlanwatchCli",
        name="planwatch-run-{{ data_interval_end | ds }}",
        conf=SPARK_CONF,
        application_args=[
            "run",
            "--as-of", "{{ data_interval_end.in_timezone('Asia/Shanghai') | ds }}",
            "--datasets", f"{PLANWATCH_HOME}/datasets",
            "--warehouse", WAREHOUSE,
            "--max-quarantined", "0",
            "--wait-for-lock", "600",
        ],
        execution_timeout=timedelta(hours=2),
    )

    # Sundays only: OPTIMIZE and VACUUM, keeping 7 days of time travel.
    maintain = SparkSubmitOperator(
        task_id="planwatch_maintain",
        conn_id="spark_planwatch",
        application=JAR,
        java_class="org.planwatch.cli.PlanwatchCli",
        name="planwatch-maintain",
        conf=SPARK_CONF,
        application_args=["maintain", "--warehouse", WAREHOUSE, "--wait-for-lock", "600"],
        execution_timeout=timedelta(hours=1),
    )

    sunday = ShortCircuitOperator(
        task_id="on_sundays",
        python_callable=lambda data_interval_end, **_: data_interval_end.in_timezone("Asia/Shanghai").isoweekday() == 7,
        ignore_downstream_trigger_rules=False,
    )

    run >> sunday >> maintain
