"""County, township and village rows with their official statistical codes."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

TOWNSHIP_KINDS = ("township", "street", "zone")  # 乡镇, 街道, 开发区


class County(db.Model):  # type: ignore[name-defined,misc]
    """A county or district (县区) of the city."""

    __tablename__ = "county"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(32))

    townships: Mapped[list["Township"]] = relationship(back_populates="county", order_by="Township.code")


class Township(db.Model):  # type: ignore[name-defined,misc]
    """A township (乡镇), or a street office / development zone that holds villages."""

    __tablename__ = "township"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(12))
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)

    county: Mapped[County] = relationship(back_populates="townships")
    villages: Mapped[list["Village"]] = relationship(back_populates="township", order_by="Village.code")


class Village(db.Model):  # type: ignore[name-defined,misc]
    """An administrative village (行政村)."""

    __tablename__ = "village"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(32))
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)

    township: Mapped[Township] = relationship(back_populates="villages")
