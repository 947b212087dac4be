"""The participant's strings in Ukrainian (the kiosk and the browser page); ``kiosk.EN``
has every key.

Machine-assisted translations by the development team, for meaning rather than word for
word, with the level names and scale wording of the shipped questionnaires in this
language; not yet checked by a native speaker.
"""

from __future__ import annotations

UK: dict[str, str] = {
    "kiosk.welcome.title": "Узгодженість обслуговування клієнтів",
    "kiosk.welcome.body": (
        "Дякуємо за участь. Ваші відповіді анонімні: ніхто, зокрема й правління, "
        "не побачить, що відповіла окрема людина."
    ),
    "kiosk.welcome.count": "{count:short_statements} · близько {minutes} хв",
    "kiosk.welcome.start": "Натисніть Enter, щоб почати",
    "kiosk.choice.hint.touch": "Торкніться своєї відповіді",
    "kiosk.statement.hint.touch": (
        "Торкніться відповіді; «Назад» повертає до попереднього твердження"
    ),
    "kiosk.statement.back": "Назад",
    "web.connecting": "З’єднання…",
    "web.reconnecting": "З’єднання втрачено. Під’єднуємося знову… ваші відповіді збережено.",
    "web.done": "Дякуємо! Ваші відповіді збережено. Можете закрити цю сторінку.",
    "web.full": "Кімната заповнена. Спробуйте ще раз за хвилину: сторінка повторить спробу сама.",
    "web.forbidden": (
        "Це посилання недійсне (або вже недійсне). Відскануйте QR-код на проєкторі ще раз."
    ),
    "kiosk.thanks.body.web": "Ваші відповіді збережено. Тепер можете закрити цю сторінку.",
    "kiosk.level.title": "Де ви працюєте?",
    "kiosk.level.board": "Правління",
    "kiosk.level.management": "Керівництво",
    "kiosk.level.front_line": "Перша лінія",
    "kiosk.level.board.hint": "вище керівництво, директори",
    "kiosk.level.management.hint": "керівники середньої та нижчої ланки",
    "kiosk.level.front_line.hint": "працівники, які мають справу з клієнтами",
    "kiosk.department.title": "У якому відділі?",
    "kiosk.department.none": "Без відділу",
    "kiosk.choice.back": "Backspace повертає назад",
    "kiosk.instruction.title": "Перш ніж почати",
    "kiosk.instruction.hint": "Натисніть Enter, щоб побачити перше твердження",
    "kiosk.instruction.hint.touch": "Торкніться, щоб побачити перше твердження",
    "kiosk.idle.title": "Ви ще тут?",
    "kiosk.idle.body": (
        "Натисніть будь-яку клавішу, щоб продовжити. Якщо ніхто не натисне, анкета за мить "
        "закриється, а вже надані відповіді буде збережено."
    ),
    "kiosk.idle.hint": "Натисніть будь-яку клавішу",
    "kiosk.choice.hint": "Натисніть цифру або скористайтеся стрілками та Enter",
    "kiosk.language.title": "Оберіть мову",
    "kiosk.statement.progress": "{index} / {total}",
    "kiosk.statement.hint": (
        "Клавіші 1-5 — відповідь, 0 = не знаю, Backspace — на одне твердження назад"
    ),
    "kiosk.statement.error": "Відповідь не збережено: {error}",
    "kiosk.predict.progress": "Оцінка {index} / {total}",
    "kiosk.predict.question": (
        "Останній крок. Як ви думаєте, скільки з кожних 100 працівників першої лінії "
        "погоджуються з цим твердженням?"
    ),
    "kiosk.predict.hint": (
        "1-9 = 10 %-90 %, стрілки змінюють на 5, Enter підтверджує, "
        "0 = волію не вгадувати, Backspace — назад"
    ),
    "kiosk.thanks.title": "Дякуємо!",
    "kiosk.thanks.body": (
        "Ваші відповіді збережено. Будь ласка, передайте клавіатуру наступній людині."
    ),
    "kiosk.thanks.hint": "Натисніть Enter (або зачекайте кілька секунд)",
    "kiosk.paused.title": "Коротка перерва",
    "kiosk.paused.body": "Ведучий призупинив сесію. Незабаром вона продовжиться.",
    "kiosk.closed.title": "Сесію закрито",
    "kiosk.closed.body": "Дякуємо: відповіді більше не збираються.",
}
