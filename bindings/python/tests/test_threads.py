"""Campaigns shared between Python threads: the GIL is released while the
library works, and concurrent changes keep the library's guarantees."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import candidats
from conftest import REGIONAL_HEADER


def big_regional_file(path, lists=40, sections=5, per_section=40):
    """A régionales file of lists * sections * per_section candidates."""
    lines = [REGIONAL_HEADER]
    index = 0
    for panel in range(1, lists + 1):
        for section in range(sections):
            for order in range(1, per_section + 1):
                head = "Oui" if section == 0 and order == 1 else "Non"
                lines.append(
                    f"{index},53,Bretagne,{22 + section},Section {section},{panel},{panel},"
                    f"Liste {panel},LUG,{head},{order},F,NOM{index},Prénom,NOM{index},Prénom,"
                    "1970-01-01,Profession,51.0"
                )
                index += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return index


def test_python_threads_run_while_the_library_imports(tmp_path):
    path = tmp_path / "big.csv"
    rows = big_regional_file(path)
    ticks: list[float] = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    time.sleep(0.05)
    calls = []
    while sum(ended - started for started, ended in calls) < 0.5 and len(calls) < 100:
        campaign = candidats.open("memory:")
        started = time.perf_counter()
        [summary] = campaign.import_files(path)
        calls.append((started, time.perf_counter()))
        assert summary.candidacies == rows
    stop.set()
    ticker.join()

    # The other thread kept running in the middle of the imports: it could
    # not, had they held the GIL.
    inside = [
        t
        for started, ended in calls
        for t in ticks
        if started + 0.2 * (ended - started) < t < ended - 0.2 * (ended - started)
    ]
    busy = sum(ended - started for started, ended in calls)
    assert len(inside) >= 20, f"{len(inside)} ticks during {len(calls)} imports of {busy:.3f} s"


def test_concurrent_takers_never_get_the_same_candidacy(seeded):
    campaign = seeded.campaign
    volunteers = [campaign.register(f"Volunteer {n}").id for n in range(6)]

    def take(volunteer):
        taken = []
        while (next_one := campaign.take_next(volunteer, "to_collect")) is not None:
            taken.append(next_one[1].id)
        return taken

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(take, volunteers))

    everything = [c for taken in results for c in taken]
    assert sorted(everything) == list(range(1, 16))
    assert len(campaign.reservations(active=True)) == 15


def test_concurrent_requests_for_one_list_grant_one(seeded):
    campaign = seeded.campaign.with_policy("automatic")
    volunteers = [campaign.register(f"Volunteer {n}").id for n in range(8)]
    barrier = threading.Barrier(len(volunteers))

    def request(volunteer):
        barrier.wait()
        try:
            return campaign.request_responsibility(volunteer, list=1).status
        except candidats.ConflictError as error:
            return f"conflict with {error.holder}"

    with ThreadPoolExecutor(max_workers=len(volunteers)) as pool:
        outcomes = list(pool.map(request, volunteers))

    assert outcomes.count("granted") == 1
    holder = campaign.responsibilities(status="granted")[0].participant
    assert outcomes.count(f"conflict with {holder}") == len(volunteers) - 1


def test_records_and_reports_are_shared_between_threads(seeded):
    campaign = seeded.campaign
    report = campaign.report()
    candidacies = campaign.candidacies()

    def read(_):
        return (report.by_constituency.to_columns(), [c.id for c in candidacies], campaign.report().to_json())

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(read, range(16)))

    assert all(result == results[0] for result in results)
