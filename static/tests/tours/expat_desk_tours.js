/**
 * Browser tours of the Expat Service Desk: what a desk advisor, a manager and a
 * reporting user do in a working day. Each step waits for what the person sees
 * (names, counts, stage, messages), not only for a button to click. Run by
 * tests/test_tours.py; the URL and the data come from there.
 */
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

/* An advisor takes a request that came in by the web form, logs a
   consultation, refers the person to another body and closes the case. */
tours.add("expat_desk_advisor_tour", {
    url: "/odoo/expat-cases",
    steps: () => [
        {
            content: "The request from the web form waits in the column New",
            trigger:
                ".o_kanban_group:has(.o_column_title:contains('New')) .o_kanban_record:contains('Lena Fischer')",
            run: "click",
        },
        {
            content: "The case shows the person and the topic of the request",
            trigger:
                ".o_form_view .o_field_widget[name=topic_ids] .o_tag:contains('EU Blue Card')",
        },
        {
            content: "Nobody has taken the request yet",
            trigger: ".o_form_view .o_field_widget[name=user_id] input:value(/^$/)",
        },
        {
            content: "The advisor takes the case",
            trigger: ".o_form_view .o_field_widget[name=user_id] input",
            run: "edit Advisor A",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Advisor A')",
            run: "click",
        },
        {
            content: "and moves it to In Progress",
            trigger: ".o_statusbar_status button:contains('In Progress')",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In Progress')",
        },
        {
            content: "Log the first consultation",
            trigger: ".o_form_view button[name=action_log_consultation]",
            run: "click",
        },
        {
            content: "The dialog names the case",
            trigger: ".modal .o_field_widget[name=case_id]:contains('Lena Fischer')",
        },
        {
            trigger: ".modal .o_field_widget[name=duration] input",
            run: "edit 01:30",
        },
        {
            trigger: ".modal .o_field_widget[name=note] .odoo-editor-editable",
            run: "editor Blue Card checklist handed over; salary threshold checked.",
        },
        {
            trigger: ".modal footer button.btn-primary",
            run: "click",
        },
        {
            content: "The consultation is listed on the case, marked as the first one",
            trigger:
                ".o_form_view .o_field_widget[name=consultation_ids] .o_data_row:contains('01:30') td[name=is_first] input:checked",
        },
        {
            content: "Open the Referrals tab",
            trigger: ".o_notebook .nav-link:contains('Referrals')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=referral_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=referral_ids] .o_data_row .o_field_widget[name=agency_id] input",
            run: "edit Ausländerbehörde",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Ausländerbehörde Ratingen')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=referral_ids] .o_data_row .o_field_widget[name=reason] input",
            run: "edit Appointment for the Blue Card",
        },
        {
            content: "Save the case",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The referral is saved and counted in the smart button",
            trigger: ".o_form_view button[name=action_view_referrals]:contains('1')",
        },
        {
            content: "Close the case (a folded stage, behind the ...)",
            trigger: ".o_statusbar_status .dropdown-toggle",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains('Closed')",
            run: "click",
        },
        {
            content: "The case is closed, with today as closing date, and cannot take new consultations",
            trigger:
                ".o_form_view:not(:has(button[name=action_log_consultation])) .o_field_widget[name=closed_date]",
        },
        {
            content: "The chatter shows the stage change",
            trigger: ".o-mail-Message:contains('Closed')",
        },
    ],
});

/* Check-in at a desk event, then the follow-up of its attendees. */
tours.add("expat_desk_event_tour", {
    steps: () => [
        {
            content: "Open the attendees of the event",
            trigger: ".o_form_view button.oe_stat_button:contains('Attendees')",
            run: "click",
        },
        {
            content: "Ivan Petrov is registered, not yet attended",
            trigger: ".o_data_row:contains('Ivan Petrov') .o_field_widget[name=state]:contains('Registered')",
        },
        {
            content: "Check him in at the door",
            trigger: ".o_data_row:contains('Ivan Petrov') button[name=action_set_done]",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains('Ivan Petrov') .o_field_widget[name=state]:contains('Attended')",
        },
        {
            content: "Back to the event",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Blue Card Evening')",
            run: "click",
        },
        {
            content: "Follow up the attendees",
            trigger: ".o_form_view button[name=action_expat_follow_up]",
            run: "click",
        },
        {
            content: "One attendee, who asked for advice",
            trigger:
                ".modal .o_field_widget[name=attendee_count]:contains('1'):not(:contains('11'))",
        },
        {
            trigger: ".modal .o_field_widget[name=advice_count]:contains('1')",
        },
        {
            trigger: ".modal button[name=action_follow_up]",
            run: "click",
        },
        {
            content: "The desk is told what was created",
            trigger: ".o_notification:contains('Cases: 1 created')",
        },
        {
            content: "The event now links to the new case",
            trigger: ".o_form_view button[name=action_view_expat_cases]:contains('1')",
            run: "click",
        },
        {
            content: "The new case is Ivan Petrov's",
            trigger: ".o_kanban_record:contains('Ivan Petrov'), .o_data_row:contains('Ivan Petrov')",
        },
    ],
});

/* A desk manager anonymises a person from the contact form. */
tours.add("expat_desk_anonymize_tour", {
    steps: () => [
        {
            content: "The contact shows the person's name",
            trigger: ".o_form_view .o_field_widget[name=name] input:value('Olga Ivanova')",
        },
        {
            content: "The desk's tab of the contact",
            trigger: ".o_notebook .nav-link:contains('Expat Service Desk')",
            run: "click",
        },
        {
            trigger: ".o_form_view button:contains('Anonymise')",
            run: "click",
        },
        {
            content: "The wizard warns that this cannot be undone and names the person",
            trigger: ".modal .alert-warning:contains('irreversible')",
        },
        {
            trigger: ".modal .o_field_widget[name=partner_ids] .o_tag:contains('Olga Ivanova')",
        },
        {
            trigger: ".modal button[name=action_anonymize]",
            run: "click",
        },
        {
            content: "The contact no longer shows the name, and is marked anonymised",
            trigger:
                ".o_form_view .o_field_widget[name=name] input:value('Anonymised person'):not(:value('Olga'))",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=expat_anonymized] input:checked",
        },
        {
            trigger: ".o_form_view:not(:has(button:contains('Anonymise')))",
        },
    ],
});

/* A reporting user opens the dashboard and the pivot of the desk's figures. */
tours.add("expat_desk_reporting_tour", {
    url: "/odoo/action-expat_service_desk.expat_dashboard_action",
    steps: () => [
        {
            content: "The desk's dashboard is open and selected",
            trigger:
                ".o_spreadsheet_dashboard_search_panel .o_search_panel_category_value.active:contains('Expat Service Desk')",
        },
        {
            content: "and rendered, without error",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer .o-grid",
        },
        {
            trigger: ".o_spreadsheet_dashboard_action:not(:has(.dashboard-loading-status))",
        },
        {
            content: "Open the figures from the Reporting menu",
            trigger: ".o_main_navbar button:contains('Reporting')",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains('Desk Figures')",
            run: "click",
        },
        {
            content: "The pivot counts by kind of activity",
            trigger: ".o_pivot thead th:contains('Individual')",
        },
        {
            content: "and shows the two consultations (1.5 hours) of the organisation",
            trigger: ".o_pivot tbody tr:first-child:contains('Total') td.o_pivot_cell_value:contains('2')",
        },
        {
            trigger: ".o_pivot tbody tr:first-child td.o_pivot_cell_value:contains('1.5')",
        },
        {
            content: "The reporting user sees no names of individuals: no list of cases in the menu",
            trigger: ".o_main_navbar:not(:has(a:contains('Cases'))):not(:has(button:contains('Cases')))",
        },
    ],
});
