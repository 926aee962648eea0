"""How far has the campaign got? Coverage by region and by role, and the
heads of section still to contact.

    python coverage.py campaign.db
    python coverage.py campaign.db --election "Régionales 2021" --limit 50
    python coverage.py memory: --import regionales-2021-t1.csv

STORE is any store `candidats.open` takes (`campaign.db`, `sqlite:PATH`,
`csv:DIR`, `memory:`). With --import, the official files given are imported
first (their layout is recognised from their header; bad lines are skipped
and counted).
"""

from __future__ import annotations

import argparse
import sys

import candidats


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "    - "


def print_table(title: str, header: list[str], rows: list[list[object]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    print(f"\n{title}")
    print("  ".join(str(cell).ljust(width) for cell, width in zip(header, widths)))
    print("  ".join("-" * width for width in widths))
    for row in rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", help="the campaign's store, such as campaign.db")
    parser.add_argument("--import", dest="files", nargs="+", default=[], help="official files to import first")
    parser.add_argument("--election", help="the election's name (the latest one by default)")
    parser.add_argument("--limit", type=int, default=20, help="heads of section listed (default 20)")
    args = parser.parse_args(argv)

    campaign = candidats.open(args.store)
    if args.files:
        for summary in campaign.import_files(args.files, skip_invalid=True):
            print(f"imported {summary.candidacies} candidacies ({summary.rejected} lines rejected)")
    elections = campaign.elections()
    if args.election:
        election = campaign.election_named(args.election)
    else:
        election = elections[-1] if elections else None
    if election is None:
        print("no such election in this store; import its official file with --import", file=sys.stderr)
        return 1

    report = campaign.report(election=election.id)
    print(f"{election.name}: {report.candidacies} candidacies")
    print(f"  contacted     {report.contacted:>6}  {percent(report.contacted, report.candidacies)}")
    print(f"  signatories   {report.signatories:>6}")
    print(f"  to follow up  {report.to_follow_up:>6}")
    print(f"  no contact detail known {report.without_contact_detail}")

    print_table(
        "Coverage by region",
        ["region", "candidacies", "contacted", "share", "signatories"],
        [
            [line.name, line.candidacies, line.contacted, percent(line.contacted, line.candidacies), line.signatories]
            for line in sorted(report.by_constituency, key=lambda line: -line.contacted_percent)
        ],
    )
    print_table(
        "Coverage by role",
        ["role", "candidacies", "contacted", "share", "signatories", "of contacted"],
        [
            [
                role,
                figures.total,
                figures.contacted,
                percent(figures.contacted, figures.total),
                figures.signatories,
                percent(figures.signatories, figures.contacted),
            ]
            for role, figures in report.roles.items()
        ],
    )

    heads = campaign.candidacies(election=election.id, roles="head_of_section")
    contacted = {action.candidacy for action in campaign.contact_actions()}
    waiting = [head for head in heads if head.id not in contacted]
    lists = {candidate_list.id: candidate_list for candidate_list in campaign.candidate_lists(election.id)}
    reachable = {detail.person for detail in campaign.contact_details(usable=True)}
    print_table(
        f"Heads of section still to contact: {len(waiting)} (first {min(args.limit, len(waiting))})",
        ["candidate", "list", "section", "contact detail"],
        [
            [
                campaign.person(head.person).full_name,
                lists[head.list].label if head.list in lists else "",
                campaign.section(head.section).code if head.section is not None else "",
                "known" if head.person in reachable else "to find",
            ]
            for head in waiting[: args.limit]
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
