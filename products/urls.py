

app_name = "products"
urlpatterns = []
