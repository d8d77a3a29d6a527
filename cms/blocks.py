"""The shared block library every page's StreamField draws from."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=120)
    level = blocks.ChoiceBlock(choices=[("h2", "H2"), ("h3", "H3")], default="h2")

    class Meta:
        template = "cms/blocks/heading.html"
        icon = "title"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        label=_("Text alternative"), max_length=250, help_text=_("What the image shows, for screen readers.")
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        template = "cms/blocks/image.html"
        icon = "image"


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        template = "cms/blocks/callout.html"
        icon = "help"


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=["h3", "bold", "italic", "link", "ol", "ul", "document-link"])
    image = ImageBlock()
    callout = CalloutBlock()
