"""Getting letters and notices out: mail backends, the outbox and the worker."""
