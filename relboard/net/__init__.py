"""HTTP: validation probes and webhook posting (httpx)."""
