"""Run a campaign that contacts election candidates and asks them to sign a pledge.

``candidats`` keeps the official candidate lists (elections, lists,
sections, candidacies and their roles), the volunteers and who is
responsible for which candidate, the contact details found and every contact
made, the pledge answers, and computes the campaign's progress report for
any scope. It is the Python face of the Rust library of the same name::

    import candidats

    campaign = candidats.open("campaign.db")
    report = campaign.report(election=1, roles="head_of_section")
    print(report.contacted, "of", report.candidacies, "heads of section contacted")
    report.by_constituency.to_pandas()  # with pandas installed

Records come back as frozen objects with typed attributes; listings as
``Records``, which convert to columns (``to_columns()``) and to a pandas
DataFrame (``to_pandas()``). Errors are subclasses of ``CandidatsError``,
and file errors Python's own ``OSError`` subclasses.
"""

from candidats._native import (
    AuditEntry,
    BackendError,
    Breakdown,
    Campaign,
    Candidacy,
    CandidateList,
    CandidatsError,
    ConflictError,
    Constituency,
    ContactAction,
    ContactDetail,
    DayTally,
    Election,
    Erasure,
    ImportSummary,
    InvalidInputError,
    layouts,
    ManualClock,
    Marathon,
    Message,
    NotFoundError,
    open,
    Participant,
    ParticipantFigures,
    PermissionDeniedError,
    Person,
    Pledge,
    PledgeAnswer,
    ProgressReport,
    Proposal,
    Records,
    Reservation,
    Responsibility,
    RoleFigures,
    Round,
    Scope,
    Section,
    Template,
    UnsupportedError,
    __version__,
)

__all__ = [
    "AuditEntry",
    "BackendError",
    "Breakdown",
    "Campaign",
    "Candidacy",
    "CandidateList",
    "CandidatsError",
    "ConflictError",
    "Constituency",
    "ContactAction",
    "ContactDetail",
    "DayTally",
    "Election",
    "Erasure",
    "ImportSummary",
    "InvalidInputError",
    "layouts",
    "ManualClock",
    "Marathon",
    "Message",
    "NotFoundError",
    "open",
    "Participant",
    "ParticipantFigures",
    "PermissionDeniedError",
    "Person",
    "Pledge",
    "PledgeAnswer",
    "ProgressReport",
    "Proposal",
    "Records",
    "Reservation",
    "Responsibility",
    "RoleFigures",
    "Round",
    "Scope",
    "Section",
    "Template",
    "UnsupportedError",
    "__version__",
]
