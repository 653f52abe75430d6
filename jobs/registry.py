"""Every scheduled job, in the order ``sheetsync run`` does them for a project."""

from __future__ import annotations

from sheetsync.jobs import check, digest, nudge, preview, remind, weekly_report
from sheetsync.shell.reconcile import AgencyJob, Job

JOBS: tuple[Job, ...] = (check.JOB, weekly_report.JOB, preview.JOB, remind.JOB)
# over every project of the run, after them: one email per person, one for the agency
AGENCY_JOBS: tuple[AgencyJob, ...] = (nudge.JOB, digest.JOB)
