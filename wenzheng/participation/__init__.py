"""Public participation: consultations, polls, live Q&A, leaders' reports, observation.

Each component is a Django app under this package with the same files, registered once in
``registry.COMPONENTS``; see docs/participation.md.
"""
