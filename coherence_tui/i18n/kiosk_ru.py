"""The participant's strings in Russian (the kiosk and the browser page); ``kiosk.EN``
has every key.

Machine-assisted translations by the development team, for meaning rather than word for
word, with the level names and scale wording of the shipped questionnaires in this
language; not yet checked by a native speaker.
"""

from __future__ import annotations

RU: dict[str, str] = {
    "kiosk.welcome.title": "Согласованность обслуживания клиентов",
    "kiosk.welcome.body": (
        "Спасибо за участие. Ваши ответы анонимны: никто, в том числе правление, "
        "не увидит, что ответил конкретный человек."
    ),
    "kiosk.welcome.count": "{count:short_statements} · около {minutes} мин",
    "kiosk.welcome.start": "Нажмите Enter, чтобы начать",
    "kiosk.choice.hint.touch": "Коснитесь своего ответа",
    "kiosk.statement.hint.touch": "Коснитесь ответа; «Назад» возвращает к предыдущему утверждению",
    "kiosk.statement.back": "Назад",
    "web.connecting": "Подключение…",
    "web.reconnecting": "Соединение потеряно. Подключаемся снова… ваши ответы сохранены.",
    "web.done": "Спасибо! Ваши ответы сохранены. Эту страницу можно закрыть.",
    "web.full": "Зал заполнен. Попробуйте ещё раз через минуту: страница повторит попытку сама.",
    "web.forbidden": (
        "Эта ссылка недействительна (или больше не действует). Отсканируйте QR-код "
        "на проекторе ещё раз."
    ),
    "kiosk.thanks.body.web": "Ваши ответы сохранены. Теперь эту страницу можно закрыть.",
    "kiosk.level.title": "Где вы работаете?",
    "kiosk.level.board": "Правление",
    "kiosk.level.management": "Руководство",
    "kiosk.level.front_line": "Первая линия",
    "kiosk.level.board.hint": "высшее руководство, директора",
    "kiosk.level.management.hint": "руководители среднего и линейного звена",
    "kiosk.level.front_line.hint": "сотрудники, которые работают с клиентами",
    "kiosk.department.title": "В каком отделе?",
    "kiosk.department.none": "Без отдела",
    "kiosk.choice.back": "Backspace — назад",
    "kiosk.instruction.title": "Прежде чем начать",
    "kiosk.instruction.hint": "Нажмите Enter, чтобы увидеть первое утверждение",
    "kiosk.instruction.hint.touch": "Коснитесь, чтобы увидеть первое утверждение",
    "kiosk.idle.title": "Вы ещё здесь?",
    "kiosk.idle.body": (
        "Нажмите любую клавишу, чтобы продолжить. Если никто не нажмёт, анкета вскоре "
        "закроется, а уже данные ответы сохранятся."
    ),
    "kiosk.idle.hint": "Нажмите любую клавишу",
    "kiosk.choice.hint": "Нажмите цифру или используйте стрелки и Enter",
    "kiosk.language.title": "Выберите язык",
    "kiosk.statement.progress": "{index} / {total}",
    "kiosk.statement.hint": (
        "Клавиши 1-5 — ответ, 0 = не знаю, Backspace — на одно утверждение назад"
    ),
    "kiosk.statement.error": "Ответ не сохранён: {error}",
    "kiosk.predict.progress": "Оценка {index} / {total}",
    "kiosk.predict.question": (
        "Последний шаг. Как вы думаете, сколько из каждых 100 сотрудников первой линии "
        "согласны с этим утверждением?"
    ),
    "kiosk.predict.hint": (
        "1-9 = 10 %-90 %, стрелки меняют на 5, Enter подтверждает, "
        "0 = предпочитаю не угадывать, Backspace — назад"
    ),
    "kiosk.thanks.title": "Спасибо!",
    "kiosk.thanks.body": (
        "Ваши ответы сохранены. Пожалуйста, передайте клавиатуру следующему участнику."
    ),
    "kiosk.thanks.hint": "Нажмите Enter (или подождите несколько секунд)",
    "kiosk.paused.title": "Короткий перерыв",
    "kiosk.paused.body": "Ведущий приостановил сессию. Скоро она продолжится.",
    "kiosk.closed.title": "Сессия закрыта",
    "kiosk.closed.body": "Спасибо: ответы больше не собираются.",
}
