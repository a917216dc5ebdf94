"""The special-group tags every district starts with (GLOSSARY.md); more are added in the admin.

Migration 0002 creates them; `ensure_default_tags` creates them again where a database lost them
(tests that flush the database between runs)."""

# code, Chinese name, English name, sensitivity (1 general, 2 sensitive, 3 highly sensitive)
DEFAULT_TAGS = [
    ("elderly_alone", "独居老人", "Elderly living alone", 1),
    ("empty_nest", "空巢老人", "Empty-nest elderly", 1),
    ("veteran", "退役军人", "Veteran", 1),
    ("disabled", "残疾人", "Disabled", 2),
    ("low_income", "低保户", "Minimum-living-allowance recipient", 2),
    ("left_behind_child", "留守儿童", "Left-behind child", 2),
    ("serious_illness", "大病患者", "Serious illness", 2),
    ("community_correction", "社区矫正人员", "Under community correction", 3),
    ("released_prisoner", "刑满释放人员", "Released prisoner", 3),
    ("severe_mental_illness", "严重精神障碍患者", "Severe mental illness", 3),
    ("drug_rehabilitation", "社区戒毒人员", "Community drug rehabilitation", 3),
]


def ensure_default_tags(tag_model) -> None:
    """Create the default tags that are missing (`tag_model`: the Tag model, or a migration's)."""
    for code, name_zh, name_en, sensitivity in DEFAULT_TAGS:
        tag_model.objects.get_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en, "sensitivity": sensitivity}
        )
