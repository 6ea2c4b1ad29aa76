"""The window layer: one open window (plan, journal, folded state) and the one path that records into it.

Below the board and the commands, above the files and the network: both reach the journal, the
probes and the clock through here, so a rule about recording lives in one place.
"""
