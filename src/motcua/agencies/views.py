from django.shortcuts import render


def agency_list(request):
    return render(request, "agencies/agency_list.html", {"agencies": []})


def agency_detail(request, eid_code):
    return render(request, "agencies/agency_list.html", {"agencies": []})
