"""The functionConfig: its models (each field documented once), the ConfigMap form, and errors as results."""
