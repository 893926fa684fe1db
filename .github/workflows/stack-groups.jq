# `trademl list --json` -> one group per profile/target for apply.yml, stacks kept in the listed
# (dependency) order. The cicd layer is left out: it is applied from a laptop, not by the roles it makes.
to_entries
| map(.value + {order: .key})
| map(select(.layer != "cicd"))
| group_by(.profile + "/" + .target)
| map({profile: .[0].profile, target: .[0].target, stacks: (sort_by(.order) | map(.name))})
