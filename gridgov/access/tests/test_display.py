from django.contrib.auth.models import User

from gridgov.access.display import display_name


def test_chinese_names_put_the_family_name_first_without_a_space():
    assert display_name(User(username="a", first_name="国庆", last_name="包")) == "包国庆"


def test_other_names_put_the_given_name_first():
    assert display_name(User(username="a", first_name="Anna", last_name="Li")) == "Anna Li"


def test_no_name_shows_the_username():
    assert display_name(User(username="grid_worker")) == "grid_worker"
