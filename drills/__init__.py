"""Fault drills of the hub, run against real ``hub serve`` processes and real databases.

``python -m drills`` runs them in full and prints each drill's figures; ``tests/drills`` runs a
short form of each in the test suite. See ``drills/__main__.py`` for the list.
"""
