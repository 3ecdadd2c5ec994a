"""The JSON API under ``/api/`` (the contract: docs/serve.md, "HTTP API"): its routes.

The handlers are in three modules by what they serve: ``api_jobs`` (who am I, submitting, the
queue, outputs), ``api_review`` (rows, edits, bulk approval, history, comments) and ``api_admin``
(accounts, keys, the memory's counts); what they share with every handler (admitting the caller,
reading the body, ``ApiError``) is ``api_request``.
"""

from starlette.routing import BaseRoute, Route

from pipeline.serve import api_admin, api_jobs, api_review


def routes() -> list[BaseRoute]:
    """The API's routes, under ``/api/``."""
    return [
        Route("/api/me", api_jobs.me, methods=["GET"]),
        Route("/api/jobs", api_jobs.submit_job, methods=["POST"]),
        Route("/api/jobs", api_jobs.list_jobs, methods=["GET"]),
        Route("/api/jobs/{job_id}", api_jobs.get_job, methods=["GET"]),
        Route("/api/jobs/{job_id}/outputs.zip", api_jobs.get_outputs_zip, methods=["GET"]),
        Route("/api/jobs/{job_id}/outputs/{name}", api_jobs.get_output, methods=["GET"]),
        Route("/api/jobs/{job_id}/segments", api_review.get_segments, methods=["GET"]),
        Route("/api/jobs/{job_id}/segments/approve", api_review.approve_segments, methods=["POST"]),
        Route("/api/jobs/{job_id}/segments/{row:int}", api_review.change_segment, methods=["PATCH"]),
        Route("/api/jobs/{job_id}/segments/{row:int}/history", api_review.segment_history, methods=["GET"]),
        Route("/api/jobs/{job_id}/segments/{row:int}/comments", api_review.add_comment, methods=["POST"]),
        Route("/api/users", api_admin.list_users, methods=["GET"]),
        Route("/api/users", api_admin.add_user, methods=["POST"]),
        Route("/api/users/{name}/keys", api_admin.add_key, methods=["POST"]),
        Route("/api/users/{name}/keys/{key_id}", api_admin.delete_key, methods=["DELETE"]),
        Route("/api/memory", api_admin.memory_stats, methods=["GET"]),
    ]
