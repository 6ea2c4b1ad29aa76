"""What runs inside the measured processes. This folder also goes on PYTHONPATH for them, so it holds
nothing whose name could shadow another module."""
