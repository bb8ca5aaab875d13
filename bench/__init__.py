"""The hub's benchmark: the real ``hub serve`` / ``hub worker`` against a bare aiohttp ceiling.

Run it with ``.venv/bin/python -m bench run`` (``--quick`` for a seconds-long smoke run);
``bench/README.md`` says what each scenario measures and holds the table of a real run.
"""
