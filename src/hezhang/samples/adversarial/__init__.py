"""Adversarial client-months: a second, independent generator of bank statements, journals and their truth, made
to argue with the first (`hezhang.samples.client_month`). See `month` for the entry point and the modules named
after the scenario classes for what each class holds."""

from hezhang.samples.adversarial.habits import HABITS
from hezhang.samples.adversarial.month import CLASSES, AdversarialMonth, generate_adversarial_month

__all__ = ["CLASSES", "HABITS", "AdversarialMonth", "generate_adversarial_month"]
