"""What the company sells: product lines, products (programs) and the risks they cover."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductLine(models.Model):
    """A line of insurance (вид страхования): КАСКО, ОСАГО, имущество, ДМС, киберриски…"""

    code = models.SlugField(_("код"), max_length=32, unique=True)
    name = models.CharField(_("название"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("вид страхования")
        verbose_name_plural = _("виды страхования")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Risk(models.Model):
    """A risk a client may ask to cover; some risks no product covers yet (a product gap)."""

    code = models.SlugField(_("код"), max_length=48, unique=True)
    name = models.CharField(_("название"), max_length=160, unique=True)
    product_line = models.ForeignKey(
        ProductLine,
        verbose_name=_("вид страхования"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risks",
    )

    class Meta:
        verbose_name = _("риск")
        verbose_name_plural = _("каталог рисков")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A concrete insurance program within a line; a pilot product is sold to test demand."""

    product_line = models.ForeignKey(
        ProductLine, verbose_name=_("вид страхования"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("название"), max_length=160, unique=True)
    is_pilot = models.BooleanField(_("пилотный"), default=False)
    launched_on = models.DateField(_("дата запуска"))
    is_active = models.BooleanField(_("продаётся"), default=True)
    covered_risks = models.ManyToManyField(
        Risk, verbose_name=_("покрываемые риски"), blank=True, related_name="products"
    )
    base_commission_rate = models.DecimalField(_("базовая комиссия"), max_digits=5, decimal_places=4, default=0)

    class Meta:
        verbose_name = _("страховой продукт")
        verbose_name_plural = _("страховые продукты")
        ordering = ["product_line__position", "name"]

    def __str__(self) -> str:
        return self.name
