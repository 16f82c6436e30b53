"""Kafka topic names. Each gemeente's events live under its own prefix, so prefixed ACLs
fence them; regional streams live under `regio.`."""

from __future__ import annotations

import re


def gemeente_prefix(gemeente: str) -> str:
    return f"{gemeente.lower()}."


def gemeente_topic(gemeente: str, service: str) -> str:
    """e.g. gm0222.inburgering.pip"""
    return f"{gemeente_prefix(gemeente)}inburgering.{service}"


def regio_topic(regio: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", regio.lower()).strip("-")
    return f"regio.{slug}.inburgering"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"
