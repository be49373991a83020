"""gunicorn's settings for the web process (the Procfile's `web` line names this file).

Any of them can be changed where the app is deployed without editing this file: gunicorn reads
GUNICORN_CMD_ARGS (e.g. `--backlog 1024`) after this file, and its command line last
(https://docs.gunicorn.org/en/stable/configure.html).

Under more requests than the workers can serve, requests wait in line: in the front proxy,
then in the listen queue of the socket below. Two things keep that line short:

- `backlog` bounds the listen queue, so that a burst cannot pile up minutes of work;
- webapp/load_shedding.py answers a request that has already waited longer than
  LOAD_SHED_AFTER_MS with a quick 503 page that keeps the supporter's form, from the time
  the proxy stamps in X-Request-Start (TRUSTED_REQUEST_START_HEADER). Such a page costs a
  fraction of the request's work, so the line drains instead of growing.

`bench/overload.py` drives twice the app's capacity against these settings and prints what
supporters get, with the shedding and without.
"""

import os

# Heroku and most platforms say where to listen in PORT.
bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"

# Processes, each serving one request at a time. WEB_CONCURRENCY is the platform's count for
# the machine's size (Heroku's Python buildpack sets it from the CPUs and memory). Without it,
# two per core, as gunicorn's documentation suggests: a request waits on PostgreSQL and Redis
# for part of its time, and with one process per core the cores idle meanwhile, so that under
# a burst requests wait in the queue while the CPU has time to spare (bench/overload.py shows
# the difference). Each process holds its own copy of the directory of representatives, which
# representatives/directory.py keeps small.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))

# "sync" rather than threads ("gthread"), for three reasons:
# - a request here is mostly Python's own work (matching, rendering letters, checking the
#   form) rather than waiting on the network: threads of one process would take turns on the
#   interpreter lock, where processes use every core;
# - with sync workers the only line is the socket's listen queue, shared by all workers: a
#   worker that is free always takes the oldest request, and `backlog` bounds the whole line.
#   A gthread worker accepts connections ahead of its threads (up to `worker_connections`
#   each) and keeps a line of its own that `backlog` does not bound and that an idle worker
#   cannot take from;
# - a sync worker is not held up by a slow client when a proxy that buffers requests is in
#   front (gunicorn's docs): Heroku's router or nginx, as in every deployment of ours.
# The delivery worker, which waits on mail services, is a separate process with threads
# (the Procfile's `worker`).
worker_class = "sync"

# The listen queue, per worker: deep enough to hold what arrives during the shedding budget
# at several times what the workers serve, so that the app's quick 503 page, not the kernel,
# answers an overload (a connection the kernel cannot queue is not refused but left
# unanswered: the proxy waits, and Heroku's router gives up on the dyno after 5 s).
# Shallow enough that, shed at once, the whole queue is answered within about a second.
backlog = 128 * workers

# A worker silent for this long is stopped and replaced (for sync workers, one request this
# long). No request of ours takes nearly as long; one that does waits on something stuck (a
# database connection), and the proxy in front gives up after 30 s anyway (Heroku's router),
# so its worker is freed for requests somebody still waits for.
timeout = 20

# After SIGTERM (a deploy, a restart), requests in progress get this long to finish, so that
# a letter being stored is stored and answered: less than the 30 s a platform waits before it
# kills the process (Heroku's dyno shutdown).
graceful_timeout = 20


def post_worker_init(worker):
    """Once a worker has loaded the app, before it serves: see webapp/process.py."""
    from webapp import process

    process.settle()
