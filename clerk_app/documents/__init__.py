"""Printed documents: notices and the daily log (reportlab).

Notices (窗口通知书): services fill a `notice_data.NoticeData` and call
`notices.render_notice(data, copies)` for PDF bytes; `notices.unprintable_characters(data)`
lists characters no bundled font can draw, for a warning before printing. Wording lives in
resources/notices/notices.json (`wording`), fonts in resources/fonts (`fonts`).
"""
