from ninja import NinjaAPI

api = NinjaAPI(title="rione API", version="1", urls_namespace="api")
