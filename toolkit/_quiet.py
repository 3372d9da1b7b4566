"""Silence third-party notices that say nothing to our users.

pandera imports ``pyspark.pandas`` whenever pyspark is installed (it is in the test environment, for the Spark
test), and pyspark then warns that it does not fully support pandas 3, which this toolkit does not ask of it.
"""

import warnings

warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
