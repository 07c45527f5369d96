"""Celery tasks of the catalogue; each takes ids, calls one service and is safe to run twice.

``run_product_job`` runs a seller's CSV import or export (queued through the notifications
outbox on the ``reports`` queue, so a broker outage loses no job).
"""

from celery import shared_task

from .services import csv_io


@shared_task(name=csv_io.RUN_PRODUCT_JOB)
def run_product_job(job_id: int) -> str:
    job = csv_io.run_job(job_id=job_id)
    return job.status if job else "skipped"
