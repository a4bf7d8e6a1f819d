"""The intake screens: matter search, applicant, checklist, decision, drafts."""
