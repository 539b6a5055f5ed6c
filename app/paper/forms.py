"""Forms of paper entry: shape only (comment, scan, reason); marks are read per criterion by the view."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.judging.sheets import COMMENT_LIMIT


class PaperForm(FlaskForm):
    comment = TextAreaField("点评（照纸质表录入，可空）",
                            validators=[Length(max=COMMENT_LIMIT, message=f"点评不超过{COMMENT_LIMIT}字")])
    scan = FileField("签字纸质表的照片或扫描件（JPEG、PNG 或 PDF，不超过 10 MB）",
                     render_kw={"accept": "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"})


class ReconcileForm(FlaskForm):
    comment = TextAreaField("点评（以纸质表为准）",
                            validators=[Length(max=COMMENT_LIMIT, message=f"点评不超过{COMMENT_LIMIT}字")])
    no_comment = BooleanField("纸质表上没有点评（两遍录入中的点评都不采用）")
    reason = StringField("核对理由", validators=[DataRequired("请填写核对理由"),
                                                 Length(max=200, message="核对理由不超过200字")])
