"""The upload form: a file and, for the plan round, the income target; the service checks the content."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms.validators import Optional

from app.contests.forms import ChineseDecimalField


class MaterialForm(FlaskForm):
    file = FileField("材料文件（PDF，不超过 20 MB）", validators=[FileRequired("请选择要上传的 PDF 文件")],
                     render_kw={"accept": "application/pdf,.pdf"})
    income_target = ChineseDecimalField("本年度村集体经济收入目标（元）", places=None, validators=[Optional()],
                                        render_kw={"inputmode": "decimal"})
