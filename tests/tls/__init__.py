"""Local servers for the HTTP tests: a TLS server with a throwaway CA, and one that never answers."""
