"""`make run` calls `setup_demo`: everything a first-time user gets, from the real data."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.models import Procedure, ProvinceProcedureSetting
from motcua.org.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def test_setup_loads_the_real_data_and_prints_the_demo_logins():
    out = StringIO()
    call_command("setup_demo", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert Procedure.objects.count() == 2642
    assert AdministrativeUnit.objects.current().communes().count() == 3321
    assert ProvinceProcedureSetting.objects.filter(agency__name="Sở Tư pháp tỉnh Bắc Ninh").exists()
    assert "mật khẩu chung: motcua-demo-2026" in text
    for username in ["quantri", "motcua", "chuyenvien", "truongphong", "lanhdao", "kiemsoat"]:
        assert f"  {username} " in text

    again = StringIO()
    call_command("setup_demo", stdout=again, stderr=StringIO())
    assert "Không thay đổi: 2642" in again.getvalue()
    assert "thêm 0 cơ quan, 0 tài khoản, 0 thủ tục" in again.getvalue()


def test_setup_is_refused_in_production(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("setup_demo", stdout=StringIO(), stderr=StringIO())
    assert AdministrativeUnit.objects.count() == 0
