"""Opening a case for a principal: one access decision per request.

- `case_access.CaseAccess`: loads the case skeleton and the decision basis once, decides, decrypts
  only what is allowed, gives the view and the audit facts.
- `case_work`: `read_case`, `change_case`, `act_on_case`, the ways every use case on an existing
  case goes through it, with the one audit event per request.
- `basis`: what decisions rest on (assignment, consents, rules, break-glass, institution kinds).
- `decisions`: the policy's answers, each asked once.
- `refusals`: a refused request leaves its audit event too.
"""
