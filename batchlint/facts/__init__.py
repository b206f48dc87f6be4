"""What batchlint knows about AWS Batch, in one place.

Instance types and their capacity (:mod:`instance_catalog`, :mod:`capacity`,
:mod:`compute`, :mod:`placement`), what a job asks (:mod:`tasks`), service quotas
(:mod:`quotas`), images and launch templates (:mod:`launch_templates`), IAM roles and
policies (:mod:`iam`, :mod:`iam_eval`, :mod:`execution_role`, :mod:`batch_roles`),
job-definition containers and retries (:mod:`jobdefs`, :mod:`retry`, :mod:`eks_pods`,
:mod:`kube_quantity`, :mod:`credentials`), Fargate (:mod:`fargate`) and network paths
(:mod:`network`). These modules read the model (:mod:`batchlint.model`) and each other,
never the engine, the rules or the loaders: rules ask them, not the other way round.
"""
