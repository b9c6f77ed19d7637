<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>CallBar</name>
    <message>
        <location filename="../../app/widgets.py" line="613"/>
        <source>Call time</source>
        <translation>Время звонка</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="615"/>
        <source>Operator input level</source>
        <translation>Уровень входа оператора</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="616"/>
        <source>Customer input level</source>
        <translation>Уровень входа клиента</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="618"/>
        <location filename="../../app/widgets.py" line="655"/>
        <source>Latency —</source>
        <translation>Задержка —</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="620"/>
        <source>Last end-to-end latency: end of speech to text</source>
        <translation>Последняя задержка: от конца фразы до текста</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="656"/>
        <source>Latency {0:.1f} s</source>
        <translation>Задержка {0:.1f} с</translation>
    </message>
</context>
<context>
    <name>Card</name>
    <message>
        <location filename="../../app/widgets.py" line="173"/>
        <source>Copied</source>
        <translation>Скопировано</translation>
    </message>
</context>
<context>
    <name>EntityCard</name>
    <message>
        <location filename="../../app/widgets.py" line="254"/>
        <source>customer</source>
        <translation>клиент</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="254"/>
        <source>operator</source>
        <translation>оператор</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="256"/>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="313"/>
        <source>not read back yet</source>
        <translation>ещё не повторён</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="322"/>
        <source>street</source>
        <translation>улица</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="322"/>
        <source>house</source>
        <translation>дом</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="323"/>
        <source>building</source>
        <translation>корпус</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="323"/>
        <source>structure</source>
        <translation>строение</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="324"/>
        <source>apartment</source>
        <translation>квартира</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="324"/>
        <source>postcode</source>
        <translation>индекс</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="325"/>
        <source>local part</source>
        <translation>имя ящика</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="325"/>
        <source>domain</source>
        <translation>домен</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="326"/>
        <source>digit</source>
        <translation>цифра</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="328"/>
        <source>{0}: {1} said, {2} read back</source>
        <translation>{0}: сказано {1}, повторено {2}</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="309"/>
        <source>the whole value</source>
        <translation>всё значение</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="310"/>
        <source>unsure of {0}: confirm with the customer</source>
        <translation>не уверен: {0} — уточните у клиента</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="304"/>
        <source>corrected by the read-back</source>
        <translation>исправлено по повтору оператора</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="305"/>
        <source>confirmed by read-back</source>
        <translation>подтверждён повтором</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="302"/>
        <source>read-back differs: {0}</source>
        <translation>повтор расходится: {0}</translation>
    </message>
</context>
<context>
    <name>HintCard</name>
    <message>
        <location filename="../../app/widgets.py" line="358"/>
        <source>Copy the text</source>
        <translation>Копировать текст</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="359"/>
        <source>Helpful</source>
        <translation>Полезно</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="360"/>
        <source>Not helpful</source>
        <translation>Бесполезно</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="361"/>
        <source>Not this call: mute this hint until the call ends</source>
        <translation>Не в этом звонке: скрыть эту подсказку до конца звонка</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="363"/>
        <source>Dismiss (Ctrl+D: the top card)</source>
        <translation>Убрать (Ctrl+D: верхнюю карточку)</translation>
    </message>
</context>
<context>
    <name>LateHints</name>
    <message numerus="yes">
        <location filename="../../app/widgets.py" line="457"/>
        <source>%n hint(s) arrived too late</source>
        <translation>
            <numerusform>%n подсказка опоздала</numerusform>
            <numerusform>%n подсказки опоздали</numerusform>
            <numerusform>%n подсказок опоздали</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="458"/>
        <source>Dropped because they were older than the latency budget; click for details</source>
        <translation>Не показаны: старше допустимой задержки; нажмите, чтобы узнать подробнее</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="464"/>
        <source>{0} ({1}): {2:.1f} s old, budget {3:g} s</source>
        <translation>{0} ({1}): через {2:.1f} с, допустимо {3:g} с</translation>
    </message>
</context>
<context>
    <name>LegIndicator</name>
    <message>
        <location filename="../../app/widgets.py" line="601"/>
        <source>speaking</source>
        <translation>говорит</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="601"/>
        <source>silent</source>
        <translation>молчит</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/window.py" line="155"/>
        <location filename="../../app/window.py" line="631"/>
        <location filename="../../app/window.py" line="944"/>
        <location filename="../../app/window.py" line="967"/>
        <source>Sufler</source>
        <translation>Суфлёр</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="219"/>
        <source>Call</source>
        <translation>Звонок</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="198"/>
        <location filename="../../app/window.py" line="536"/>
        <location filename="../../app/window.py" line="589"/>
        <source>Start call</source>
        <translation>Начать звонок</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="200"/>
        <location filename="../../app/window.py" line="627"/>
        <source>Mute hints</source>
        <translation>Без подсказок</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="202"/>
        <source>Mute hints (Ctrl+M): no cards until unmuted</source>
        <translation>Выключить подсказки (Ctrl+M): ни одной карточки, пока не включите снова</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="205"/>
        <source>Copy the last phone number</source>
        <translation>Скопировать последний телефон</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="207"/>
        <source>Copy the last address</source>
        <translation>Скопировать последний адрес</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="209"/>
        <source>Copy the last e-mail</source>
        <translation>Скопировать последний e-mail</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="212"/>
        <source>Dismiss the top hint</source>
        <translation>Убрать верхнюю подсказку</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="214"/>
        <location filename="../../app/window.py" line="887"/>
        <source>Keyboard shortcuts</source>
        <translation>Сочетания клавиш</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="237"/>
        <location filename="../../app/window.py" line="246"/>
        <source>Snooze</source>
        <translation>Пауза</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="239"/>
        <source>Snooze for {0} min</source>
        <translation>Пауза на {0} мин</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="242"/>
        <source>End snooze</source>
        <translation>Снять паузу</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="252"/>
        <source>&amp;Call</source>
        <translation>&amp;Звонок</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="254"/>
        <source>Play a recording…</source>
        <translation>Воспроизвести запись…</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="256"/>
        <source>Play the demo call</source>
        <translation>Демо-звонок</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="262"/>
        <location filename="../../app/window.py" line="941"/>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="265"/>
        <source>C&amp;ards</source>
        <translation>&amp;Карточки</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="271"/>
        <source>&amp;View</source>
        <translation>&amp;Вид</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="272"/>
        <source>Always on top</source>
        <translation>Поверх всех окон</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="277"/>
        <source>Larger text</source>
        <translation>Крупнее</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="280"/>
        <source>Smaller text</source>
        <translation>Мельче</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="283"/>
        <source>Default text size</source>
        <translation>Обычный размер текста</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="289"/>
        <source>Theme</source>
        <translation>Тема</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="292"/>
        <source>As the system</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="292"/>
        <source>Light</source>
        <translation>Светлая</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="293"/>
        <source>Dark</source>
        <translation>Тёмная</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="299"/>
        <source>&amp;Tools</source>
        <translation>&amp;Сервис</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="300"/>
        <source>Settings…</source>
        <translation>Настройки…</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="302"/>
        <source>Rules editor (admin)…</source>
        <translation>Редактор правил (админ)…</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="303"/>
        <source>Latency review (supervisor)…</source>
        <translation>Задержки (супервайзер)…</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="304"/>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="330"/>
        <source>Hints muted — Ctrl+M to unmute</source>
        <translation>Подсказки выключены — Ctrl+M, чтобы включить</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="360"/>
        <source>Press “Start call” (Ctrl+Enter) to listen to the call.
Hints appear here only while they are still timely. F1: shortcuts.</source>
        <translation>Нажмите «Начать звонок» (Ctrl+Enter), чтобы слушать звонок.
Подсказки появляются здесь, только пока они своевременны. F1: сочетания клавиш.</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="631"/>
        <source>Sufler: hints muted</source>
        <translation>Суфлёр: подсказки выключены</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="664"/>
        <source>Nothing to copy yet</source>
        <translation>Копировать пока нечего</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="672"/>
        <source>No phone number yet</source>
        <translation>Телефона пока нет</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="672"/>
        <source>No address yet</source>
        <translation>Адреса пока нет</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="673"/>
        <source>No e-mail yet</source>
        <translation>E-mail пока нет</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="679"/>
        <source>Copied</source>
        <translation>Скопировано</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="839"/>
        <source>Recognizer: remote ({0})</source>
        <translation>Распознавание: сервер ({0})</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="840"/>
        <source>Recognizer: local ({0})</source>
        <translation>Распознавание: локально ({0})</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="862"/>
        <source>OK</source>
        <translation>норма</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="862"/>
        <source>catching up</source>
        <translation>догоняет</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="863"/>
        <source>degraded</source>
        <translation>сбой</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="894"/>
        <source>Global hotkeys (Ctrl+Alt+…) work in any program.</source>
        <translation>Глобальные клавиши (Ctrl+Alt+…) работают в любой программе.</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="896"/>
        <source>Global hotkeys are off: {0}</source>
        <translation>Глобальные клавиши не работают: {0}</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="897"/>
        <source>not bound</source>
        <translation>не назначены</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="903"/>
        <source>Mute or unmute hints (any program)</source>
        <translation>Выключить или включить подсказки (из любой программы)</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="904"/>
        <source>Copy the last card&apos;s value (any program)</source>
        <translation>Скопировать значение последней карточки (из любой программы)</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="937"/>
        <source>Show the panel</source>
        <translation>Показать панель</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="536"/>
        <location filename="../../app/window.py" line="574"/>
        <source>Stop call</source>
        <translation>Завершить звонок</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="548"/>
        <source>Stop the call</source>
        <translation>Завершить звонок</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="549"/>
        <source>Stop listening to this call? Hints and cards stop until the next call.</source>
        <translation>Перестать слушать этот звонок? Подсказки и карточки прекратятся до следующего звонка.</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="583"/>
        <source>Play a recording</source>
        <translation>Воспроизвести запись</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="584"/>
        <source>Audio (*.wav *.flac *.mp3 *.ogg *.m4a);;All files (*)</source>
        <translation>Аудио (*.wav *.flac *.mp3 *.ogg *.m4a);;Все файлы (*)</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="594"/>
        <source>Call failed: {0}</source>
        <translation>Ошибка звонка: {0}</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="597"/>
        <source>Call saved: {0}</source>
        <translation>Звонок сохранён: {0}</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="603"/>
        <source>The call failed</source>
        <translation>Звонок не удался</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="604"/>
        <source>The call failed: {0}</source>
        <translation>Звонок не удался: {0}</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="607"/>
        <source>Open Settings…</source>
        <translation>Открыть настройки…</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="627"/>
        <source>Unmute hints</source>
        <translation>Включить подсказки</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="765"/>
        <source>Hints snoozed until {0}</source>
        <translation>Подсказки на паузе до {0}</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="788"/>
        <source>fell behind: {0:.0f} s of speech skipped</source>
        <translation>отставание: пропущено {0:.0f} с речи</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="796"/>
        <source>{0} audio lost</source>
        <translation>Пропал звук: {0}</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="799"/>
        <source>{0} audio back after {1:.1f} s</source>
        <translation>Звук вернулся: {0}, через {1:.1f} с</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="811"/>
        <source> (the last good rules stay in force)</source>
        <translation> (действуют последние исправные правила)</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="813"/>
        <source>Rule file problems: {0}</source>
        <translation>Ошибки в файле правил: {0}</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="825"/>
        <source>Loading model…</source>
        <translation>Загрузка модели…</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="825"/>
        <source>Warming up…</source>
        <translation>Прогрев…</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="826"/>
        <source>Ready</source>
        <translation>Готов</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="826"/>
        <location filename="../../app/window.py" line="827"/>
        <source>Listening</source>
        <translation>Слушаю</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="828"/>
        <source>Idle</source>
        <translation>Ожидание</translation>
    </message>
    <message>
        <location filename="../../app/window.py" line="967"/>
        <source>A call is running. Stop it and quit?</source>
        <translation>Идёт звонок. Завершить его и выйти?</translation>
    </message>
</context>
<context>
    <name>ReviewWindow</name>
    <message>
        <location filename="../../app/review.py" line="78"/>
        <source>Supervisor report</source>
        <translation>Отчёт для руководителя</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="84"/>
        <source>Choose…</source>
        <translation>Выбрать…</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="86"/>
        <source>Only from</source>
        <translation>Только с</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="92"/>
        <location filename="../../app/review.py" line="211"/>
        <source>all operators</source>
        <translation>все операторы</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="93"/>
        <source>Show</source>
        <translation>Показать</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="105"/>
        <location filename="../../app/review.py" line="227"/>
        <source>Log folder</source>
        <translation>Папка журналов</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="109"/>
        <source>to</source>
        <translation>по</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="113"/>
        <location filename="../../app/review.py" line="168"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="116"/>
        <source>Cards shown within budget</source>
        <translation>Карточки, показанные вовремя</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="116"/>
        <location filename="../../app/review.py" line="171"/>
        <source>Dropped late</source>
        <translation>Опоздали</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="117"/>
        <source>p95 end-to-end latency</source>
        <translation>Сквозная задержка p95</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="117"/>
        <location filename="../../app/review.py" line="169"/>
        <source>Calls</source>
        <translation>Звонки</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="132"/>
        <source>Plots</source>
        <translation>Графики</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="166"/>
        <source>Stage</source>
        <translation>Этап</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="166"/>
        <source>Count</source>
        <translation>Число</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="166"/>
        <source>p50, s</source>
        <translation>p50, с</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="167"/>
        <source>p95, s</source>
        <translation>p95, с</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="167"/>
        <source>p99, s</source>
        <translation>p99, с</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="168"/>
        <source>Max, s</source>
        <translation>Макс., с</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="169"/>
        <source>Utterances</source>
        <translation>Фразы</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="170"/>
        <source>Cards due</source>
        <translation>К показу</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="170"/>
        <source>In budget</source>
        <translation>Вовремя</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="171"/>
        <source>Late share</source>
        <translation>Доля опоздавших</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="172"/>
        <source>Muted</source>
        <translation>Заглушены</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="172"/>
        <source>Other drops</source>
        <translation>Другие причины</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="173"/>
        <source>Checklists</source>
        <translation>Чек-листы</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="173"/>
        <source>Completed</source>
        <translation>Выполнено</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="174"/>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="174"/>
        <source>Real-time factor</source>
        <translation>Доля реального времени</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="175"/>
        <source>Rule</source>
        <translation>Правило</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="175"/>
        <source>Shown</source>
        <translation>Показаны</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="176"/>
        <source>Thumbs up</source>
        <translation>Полезно</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="176"/>
        <source>Thumbs down</source>
        <translation>Не полезно</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="177"/>
        <source>Dismissed</source>
        <translation>Закрыты</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="178"/>
        <source>Dismiss rate</source>
        <translation>Доля закрытых</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="178"/>
        <source>Outcome</source>
        <translation>Исход</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="179"/>
        <source>Share</source>
        <translation>Доля</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="179"/>
        <source>Day</source>
        <translation>День</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="182"/>
        <source>Endpointing</source>
        <translation>Конец фразы</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="182"/>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="183"/>
        <source>Recognition</source>
        <translation>Распознавание</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="183"/>
        <source>Emit</source>
        <translation>Выдача</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="184"/>
        <source>Extraction</source>
        <translation>Извлечение</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="184"/>
        <source>Rule matching</source>
        <translation>Сопоставление правил</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="185"/>
        <source>End to end</source>
        <translation>Сквозная</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="185"/>
        <source>Shown cards&apos; age</source>
        <translation>Возраст показанных карточек</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="186"/>
        <source>Snoozed</source>
        <translation>Отложены</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="186"/>
        <source>Cooldown</source>
        <translation>Пауза правила</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="187"/>
        <source>Duplicate</source>
        <translation>Повтор</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="187"/>
        <source>Over the cap</source>
        <translation>Сверх лимита</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="189"/>
        <source>Latency CDF: how many were in time</source>
        <translation>Распределение задержки: сколько успели вовремя</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="191"/>
        <source>Cards shown within budget, per operator (lowest first)</source>
        <translation>Карточки, показанные вовремя, по операторам (худшие сверху)</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="192"/>
        <source>Cards shown within budget, per day</source>
        <translation>Карточки, показанные вовремя, по дням</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="194"/>
        <source>End-to-end latency by time into the call</source>
        <translation>Сквозная задержка по ходу звонка</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="196"/>
        <source>What became of each rule&apos;s cards, and what operators made of them</source>
        <translation>Что стало с карточками каждого правила и как их оценили операторы</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="198"/>
        <source>Checklists completed, per operator (lowest first)</source>
        <translation>Выполненные чек-листы по операторам (худшие сверху)</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="200"/>
        <source>End-to-end latency per operator (box p25–p75, line median, whiskers p5–p95; slowest first)</source>
        <translation>Сквозная задержка по операторам (ящик p25–p75, черта — медиана, усы p5–p95; медленные сверху)</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="203"/>
        <source>Cards due: evidence → decision</source>
        <translation>Карточки к показу: повод → решение</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="204"/>
        <source>Utterances: end of speech → text</source>
        <translation>Фразы: конец речи → текст</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="205"/>
        <source>budget {0} s</source>
        <translation>бюджет {0} с</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="206"/>
        <source>{0} of cards due within budget</source>
        <translation>{0} карточек вовремя</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="207"/>
        <source>seconds</source>
        <translation>секунды</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="207"/>
        <source>share at or below</source>
        <translation>доля не больше</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="208"/>
        <source>shown within budget</source>
        <translation>показаны вовремя</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="209"/>
        <source>dropped late</source>
        <translation>опоздали</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="210"/>
        <source>{0} late of {1}</source>
        <translation>опоздали {0} из {1}</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="211"/>
        <source>latency, s</source>
        <translation>задержка, с</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="212"/>
        <source>utterances</source>
        <translation>фразы</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="213"/>
        <source>time into the call (m:ss), {0} bins</source>
        <translation>время от начала звонка (м:сс), интервалы по {0}</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="214"/>
        <source>{0} s</source>
        <translation>{0} с</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="214"/>
        <source>{0} min</source>
        <translation>{0} мин</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="214"/>
        <source>{0} h</source>
        <translation>{0} ч</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="215"/>
        <source>shown</source>
        <translation>показаны</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="215"/>
        <source>muted</source>
        <translation>заглушены</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="216"/>
        <source>other drops</source>
        <translation>другие причины</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="216"/>
        <source>cards</source>
        <translation>карточки</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="217"/>
        <source>thumbs up</source>
        <translation>полезно</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="217"/>
        <source>thumbs down</source>
        <translation>не полезно</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="218"/>
        <source>{0} dismissed</source>
        <translation>закрыто {0}</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="219"/>
        <source>votes (down | up)</source>
        <translation>оценки (не полезно | полезно)</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="219"/>
        <source>{0} of {1}</source>
        <translation>{0} из {1}</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="220"/>
        <source>checklists completed</source>
        <translation>выполнено чек-листов</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="221"/>
        <source>end-to-end latency, s</source>
        <translation>сквозная задержка, с</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="222"/>
        <source>{0} of {1} operators</source>
        <translation>{0} из {1} операторов</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="223"/>
        <source>{0} busiest of {1} rules</source>
        <translation>{0} самых частых из {1} правил</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="259"/>
        <source>No records match (of {0} latency records read).</source>
        <translation>Нет подходящих записей (прочитано записей задержки: {0}).</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="261"/>
        <source>No records match: the logs hold no latency records.</source>
        <translation>Нет подходящих записей: в журналах нет записей задержки.</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="273"/>
        <source>Of the cards due (shown, or dropped as too late), the share shown within the {0} s budget</source>
        <translation>Из карточек к показу (показанных или отброшенных из-за опоздания) — доля показанных в пределах бюджета {0} с</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="117"/>
        <location filename="../../app/review.py" line="161"/>
        <source>Operators</source>
        <translation>Операторы</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="161"/>
        <source>Days</source>
        <translation>Дни</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="162"/>
        <source>Rules</source>
        <translation>Правила</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="162"/>
        <source>Latency per stage</source>
        <translation>Задержка по этапам</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="163"/>
        <source>Latency by time into the call</source>
        <translation>Задержка по ходу звонка</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="164"/>
        <source>Models</source>
        <translation>Модели</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="164"/>
        <source>Cards by outcome</source>
        <translation>Карточки по исходу</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="177"/>
        <source>Mute-rule clicks</source>
        <translation>Правило заглушено</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="180"/>
        <source>Time into the call</source>
        <translation>Время от начала</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="239"/>
        <source>Reading the logs…</source>
        <translation>Читаю журналы…</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="251"/>
        <source>No report: {0}</source>
        <translation>Отчёт не построен: {0}</translation>
    </message>
    <message>
        <location filename="../../app/review.py" line="255"/>
        <source>{0} log files, {1} utterances, {2} card decisions</source>
        <translation>Файлов журнала: {0}, фраз: {1}, решений по карточкам: {2}</translation>
    </message>
</context>
<context>
    <name>RulesEditor</name>
    <message>
        <location filename="../../app/admin.py" line="58"/>
        <location filename="../../app/admin.py" line="174"/>
        <source>Rules editor</source>
        <translation>Редактор правил</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="92"/>
        <source>Back-test on saved calls</source>
        <translation>Проверить на сохранённых звонках</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="95"/>
        <source>Deploy</source>
        <translation>Применить</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="101"/>
        <source>Rule</source>
        <translation>Правило</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="101"/>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="101"/>
        <source>Shown</source>
        <translation>Показано</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="102"/>
        <source>Per call</source>
        <translation>На звонок</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="102"/>
        <source>Calls</source>
        <translation>Звонков</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="103"/>
        <source>First at, s</source>
        <translation>Впервые, с</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="103"/>
        <source>Too late</source>
        <translation>Опоздали</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="104"/>
        <source>Muted</source>
        <translation>Выключены</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="104"/>
        <source>Cooldown</source>
        <translation>Пауза</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="105"/>
        <source>Duplicate</source>
        <translation>Повтор</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="105"/>
        <source>Capped</source>
        <translation>Сверх лимита</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="106"/>
        <source>Flag</source>
        <translation>Отметка</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="110"/>
        <source>Share of the calls in which the rule showed a card</source>
        <translation>Доля звонков, в которых правило показало карточку</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="114"/>
        <source>Back-test the edited rules on the saved calls before deploying them.</source>
        <translation>Проверьте изменённые правила на сохранённых звонках, прежде чем применять.</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="119"/>
        <source>File</source>
        <translation>Файл</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="161"/>
        <source>Cannot read {0}: {1}</source>
        <translation>Не удалось прочитать {0}: {1}</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="180"/>
        <source>Unsaved edits</source>
        <translation>Несохранённые правки</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="181"/>
        <source>{0} has edits that are not deployed. Deploy them first?</source>
        <translation>В {0} есть правки, которые не развёрнуты. Развернуть их сначала?</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="219"/>
        <source>line {0}: {1}</source>
        <translation>строка {0}: {1}</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="229"/>
        <source>Fix the problems first</source>
        <translation>Сначала исправьте ошибки</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="231"/>
        <source>{0} problem(s): deploying is blocked</source>
        <translation>Проблем: {0}, развёртывание заблокировано</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="235"/>
        <source>{0} rules, no problems</source>
        <translation>Правил: {0}, проблем нет</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="343"/>
        <source>Deployed {0} rules to {1}; the running call picks them up within a second</source>
        <translation>Развёрнуто правил: {0} в {1}; идущий звонок подхватит их в течение секунды</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="277"/>
        <source>No saved calls in {0} yet.</source>
        <translation>В {0} пока нет сохранённых звонков.</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="280"/>
        <source>Back-testing on {0} calls…</source>
        <translation>Проверка на {0} звонках…</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="298"/>
        <source>Back-test failed: {0}</source>
        <translation>Проверка не удалась: {0}</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="303"/>
        <source>{0} calls, {1:.0f} min: {2} rules never fired, {3} fire often</source>
        <translation>Звонков: {0}, {1:.0f} мин; ни разу не сработали: {2}, срабатывают слишком часто: {3}</translation>
    </message>
    <message>
        <location filename="../../app/admin.py" line="338"/>
        <source>Cannot write {0}: {1}</source>
        <translation>Не удалось записать {0}: {1}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/settings.py" line="50"/>
        <source>Sufler settings</source>
        <translation>Настройки Суфлёра</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="56"/>
        <source>Audio</source>
        <translation>Звук</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="57"/>
        <source>Recognition</source>
        <translation>Распознавание</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="58"/>
        <source>Hints</source>
        <translation>Подсказки</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="59"/>
        <source>Data &amp;&amp; privacy</source>
        <translation>Данные и приватность</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="60"/>
        <source>Interface</source>
        <translation>Интерфейс</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="83"/>
        <source>auto</source>
        <translation>авто</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="85"/>
        <source>Find devices</source>
        <translation>Найти устройства</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="87"/>
        <source>Operator microphone</source>
        <translation>Микрофон оператора</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="88"/>
        <location filename="../../app/settings.py" line="90"/>
        <source>  channel</source>
        <translation>  канал</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="89"/>
        <source>Customer audio (softphone output)</source>
        <translation>Звук клиента (выход софтфона)</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="98"/>
        <source>For the customer, choose the monitor of the output your softphone plays to. One stereo device with a leg per channel works too: choose it for both and set the channels.</source>
        <translation>Для клиента выберите монитор выхода, в который играет софтфон. Подойдёт и одно стереоустройство с собеседником на каждом канале: выберите его для обоих и укажите каналы.</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="108"/>
        <location filename="../../app/settings.py" line="136"/>
        <location filename="../../app/settings.py" line="317"/>
        <source>(none)</source>
        <translation>(нет)</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="123"/>
        <source>Cannot list the audio devices: {0}</source>
        <translation>Не удалось получить список аудиоустройств: {0}</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="128"/>
        <source>No input devices found (Linux: is PulseAudio/PipeWire running, and libasound2-plugins installed?). Try `sufler devices` in a terminal.</source>
        <translation>Устройства ввода не найдены (Linux: запущен ли PulseAudio/PipeWire и установлен ли libasound2-plugins?). Проверьте `sufler devices` в терминале.</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="132"/>
        <source>{0} input devices found.</source>
        <translation>Найдено устройств ввода: {0}.</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="140"/>
        <source> [monitor]</source>
        <translation> [монитор]</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="167"/>
        <source>Operator language</source>
        <translation>Язык оператора</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="168"/>
        <source>Customer language</source>
        <translation>Язык клиента</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="174"/>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="175"/>
        <source>Compute type</source>
        <translation>Тип вычислений</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="176"/>
        <source>A model folder, an installed model package (base, tiny.en) or a hub name. tiny.en is English only.</source>
        <translation>Папка модели, установленный пакет модели (base, tiny.en) или имя в хабе. tiny.en — только английский.</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="189"/>
        <location filename="../../app/settings.py" line="197"/>
        <source> s</source>
        <translation> с</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="199"/>
        <source>Latency budget</source>
        <translation>Бюджет задержки</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="200"/>
        <source>Rule files</source>
        <translation>Файлы правил</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="201"/>
        <source>Cards on screen at most</source>
        <translation>Карточек на экране не больше</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="202"/>
        <source>A card stays for</source>
        <translation>Карточка видна</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="203"/>
        <source>A hint older than the budget (end of the words that triggered it → on screen) is dropped and logged, never shown late.</source>
        <translation>Подсказка старше бюджета (от конца вызвавших её слов до экрана) отбрасывается и записывается в журнал, но никогда не показывается с опозданием.</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="215"/>
        <source>Save calls for review and rule back-tests</source>
        <translation>Сохранять звонки для разбора и проверки правил</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="217"/>
        <source>Mask phone numbers, addresses and digits</source>
        <translation>Скрывать телефоны, адреса и цифры</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="221"/>
        <source> days</source>
        <translation> дн.</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="226"/>
        <source>login name</source>
        <translation>имя входа</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="229"/>
        <source>Keep saved calls</source>
        <translation>Хранить звонки</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="230"/>
        <source>Saved calls folder</source>
        <translation>Папка звонков</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="231"/>
        <source>Latency log folder</source>
        <translation>Папка журналов задержек</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="232"/>
        <source>Operator ID in logs</source>
        <translation>ID оператора в журналах</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="254"/>
        <source>masked</source>
        <translation>скрыты</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="254"/>
        <source>NOT masked</source>
        <translation>НЕ скрыты</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="256"/>
        <source>Saved calls: the transcript, the phone numbers and addresses found ({0}) and every hint decision, one file per call in {1}, deleted after {2} days.</source>
        <translation>Сохранённые звонки: расшифровка, найденные телефоны и адреса ({0}) и решения по каждой подсказке — по файлу на звонок в {1}; удаляются через {2} дн.</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="259"/>
        <source>Calls are not saved.</source>
        <translation>Звонки не сохраняются.</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="261"/>
        <source>Everything stays on this computer: recognition runs locally and nothing is sent anywhere.</source>
        <translation>Всё остаётся на этом компьютере: распознавание идёт локально, ничего никуда не отправляется.</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="263"/>
        <source>Latency logs: timings of each utterance and hint, no words and no numbers, in {0}.</source>
        <translation>Журналы задержек: время каждой фразы и подсказки, без слов и номеров, в {0}.</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="265"/>
        <source>Audio is never stored.</source>
        <translation>Звук не сохраняется никогда.</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="266"/>
        <source>Delete saved calls ({0})</source>
        <translation>Удалить сохранённые звонки ({0})</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="272"/>
        <location filename="../../app/settings.py" line="277"/>
        <source>Delete saved calls</source>
        <translation>Удаление звонков</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="273"/>
        <source>Delete all {0} saved calls in {1}? This cannot be undone.</source>
        <translation>Удалить все сохранённые звонки ({0}) в {1}? Отменить это нельзя.</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="278"/>
        <source>{0} calls deleted.</source>
        <translation>Удалено звонков: {0}.</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="285"/>
        <source>System language</source>
        <translation>Язык системы</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="290"/>
        <source>Interface language</source>
        <translation>Язык интерфейса</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="291"/>
        <source>A new language applies when Sufler starts again.</source>
        <translation>Новый язык применится при следующем запуске Суфлёра.</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="296"/>
        <source>As the system</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="296"/>
        <source>Light</source>
        <translation>Светлая</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="297"/>
        <source>Dark</source>
        <translation>Тёмная</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="301"/>
        <source>Theme</source>
        <translation>Тема</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="302"/>
        <source>Ask before stopping a call</source>
        <translation>Спрашивать перед завершением звонка</translation>
    </message>
    <message>
        <location filename="../../app/settings.py" line="346"/>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <location filename="../../app/widgets.py" line="94"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location filename="../../app/widgets.py" line="94"/>
        <source>Customer</source>
        <translation>Клиент</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <location filename="../../app/gui.py" line="182"/>
        <source>Log: {0}</source>
        <translation>Журнал: {0}</translation>
    </message>
</context>
</TS>
