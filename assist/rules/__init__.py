"""Admin-written suggestion rules: files, validation (matching and the gate come next)."""

from assist.rules.loader import ChecklistItem, Problem, Rule, RuleSet, load_rules, parse_rules

__all__ = ["ChecklistItem", "Problem", "Rule", "RuleSet", "load_rules", "parse_rules"]
