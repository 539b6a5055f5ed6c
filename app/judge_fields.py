"""The fields (领域) a judge is drawn for, with their Chinese names: one list for the pool, its import and the draw."""

JUDGE_FIELDS = {
    "organization": "组织",
    "agriculture": "农业",
    "finance": "财政金融",
    "tourism": "文化旅游",
    "grassroots": "基层党建",
}
