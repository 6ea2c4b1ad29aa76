"""relboard's benchmark suite: `python -m benchmarks [--json FILE] [--quick]` from the project's root.

Every timed figure is set beside a reference measured in the same run on the same machine, because
the machine is shared and noisy; see README.md ("Benchmarks") for what each figure measures.
"""
