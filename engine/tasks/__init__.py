"""Independent analyses as Dask tasks (METHOD §5 pseudo-events, §6 screened events).

``runner.run_tasks`` runs ``fn(shared, item)`` for every item: on local worker processes
without sockets (Dask's ``processes`` scheduler; PITFALLS.md "Dask offline"), on an existing
``distributed`` cluster given by its scheduler address, or inline in this process (a task
that needs sub-tasks runs them inline: one level of parallelism). Results come back in item
order whoever ran them; a failed task is retried once; cancel starts no further task.
"""
