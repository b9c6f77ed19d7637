<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>LateHints</name>
    <message numerus="yes">
        <location filename="../../app/widgets.py" line="456"/>
        <source>%n hint(s) arrived too late</source>
        <translation>
            <numerusform>%n hint arrived too late</numerusform>
            <numerusform>%n hints arrived too late</numerusform>
        </translation>
    </message>
</context>
</TS>
