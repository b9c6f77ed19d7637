"""Admin-written suggestion rules: files, validation, matching, the gate, back-tests, reports."""

from assist.rules.loader import ChecklistItem, Problem, Rule, RuleSet, load_rules, parse_rules

__all__ = ["ChecklistItem", "Problem", "Rule", "RuleSet", "load_rules", "parse_rules"]
