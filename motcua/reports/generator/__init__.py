"""A province's dossiers, calibrated on real reports (``generate_province``).

- ``profiles``: the real figures each profile reproduces (seed reports 001 and 003).
- ``world``: the reference data a run uses — competent agencies, their one-stop units
  and procedures, workflows, officers, applicants — prepared once, identically for
  both executors; ``fastcal`` answers the working-time questions by table look-up.
- ``plan``: who files what, where and when (exact quotas, drawn from the seed);
  ``story``: each dossier's story as a list of actions with their instants.
- ``shadow`` (and ``shadow_base``): an in-memory replica of what each engine action
  writes; the story is played on it (to know due instants) and ``bulk`` writes its
  rows (COPY on PostgreSQL), while ``via_actions`` calls the real actions for the same
  story. A test compares the two, table by table.
- ``runs``: the run record, worker processes, resume and removal; ``tally``: the
  run's Biểu 06 totals against the profile's.
"""
