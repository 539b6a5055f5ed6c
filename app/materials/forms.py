"""The upload form: a file and, for the plan round, the income target; the service checks the content."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms.validators import Optional

from app import decimals
from app.forms import ChineseDecimalField
from app.materials.services import LIMIT, TOO_BIG


class MaterialForm(FlaskForm):
    file = FileField("材料文件（PDF，不超过 20 MB）", validators=[FileRequired("请选择要上传的 PDF 文件")],
                     # the phone checks the size before sending 20 MB over a slow line (static/js/app.js)
                     render_kw={"accept": "application/pdf,.pdf", "data-max-bytes": LIMIT,
                                "data-too-big": TOO_BIG.replace("，请压缩后重新上传", "，未选用。请压缩后重新选择")})
    income_target = ChineseDecimalField("本年度村集体经济收入目标（元）", rule=decimals.YUAN, what="收入目标",
                                        validators=[Optional()],
                                        render_kw={"inputmode": "decimal"})
