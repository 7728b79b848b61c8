"""Dossier codes under concurrency: parallel submissions get distinct, consecutive numbers."""

import threading

import pytest
from django.db import connection, connections

from .. import services
from ..codes import parse_dossier_code
from .factories import VALID_ANSWERS, make_dossier, published_procedure

PARALLEL = 50


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_get_distinct_consecutive_codes():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what this test exercises: it runs on the PostgreSQL pass of make test")
    procedure = published_procedure()
    dossiers = [make_dossier(procedure=procedure, values=VALID_ANSWERS) for _ in range(PARALLEL)]
    barrier = threading.Barrier(PARALLEL)
    codes, failures = [], []

    def submit(dossier):
        try:
            barrier.wait(timeout=30)
            codes.append(services.submit_dossier(actor=dossier.applicant, dossier=dossier).code)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            failures.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(d,)) for d in dossiers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures[:3]
    assert len(set(codes)) == PARALLEL
    assert sorted(parse_dossier_code(c)[2] for c in codes) == list(range(1, PARALLEL + 1))
