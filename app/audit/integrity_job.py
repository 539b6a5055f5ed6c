"""The supervisors' audit check as a background job: `integrity.verify` with its progress, its report in words."""

from app.audit import integrity
from app.audit.labels import OBJECTS
from app.db_setup import reads_only_from_now
from app.jobs import JobResult, Progress

KIND = "audit_check"


def audit_check(progress: Progress) -> JobResult:
    """Read-only: on SQLite it holds no write lock, however long a year's data takes."""
    reads_only_from_now()
    return described(integrity.verify(progress))


def described(report: integrity.IntegrityReport) -> JobResult:
    chain = report.chain
    if report.ok:
        return JobResult(f"每条记录核验通过：哈希链完整（已核对 {chain.checked} 条事件），"
                         f"数据与审计记录一致（已核对 {report.rows} 行）。"
                         f"链尾哈希 {chain.head}（请另行记下，日后比对可发现整段重算的哈希链）。")
    problems = []
    if chain.first_break is not None:
        problems.append(f"哈希链断裂：第 {chain.first_break.event_id} 号事件——{chain.first_break.reason}"
                        f"（此前已核对 {chain.checked} 条事件无误）")
    if report.first_mismatch is not None:
        first = report.first_mismatch
        where = OBJECTS.get(first.table, first.table)
        problems.append(f"数据与审计记录不符（共 {report.mismatches} 处），第一处：{where}——{first.describe()}")
    return JobResult("核验发现问题，请立即报告纪检监察组。", tuple(problems), ok=False)
