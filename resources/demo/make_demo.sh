#!/usr/bin/env bash
# Rebuilds demo_call.flac: a two-leg call (left = operator, right = customer) spoken by
# espeak-ng. Needs: apt-get install espeak-ng sox. Run from this folder.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# who|start second|text
lines=(
  "operator|0.5|Thank you for calling Northwind Delivery. This call is recorded for quality. My name is Anna, how can I help you?"
  "customer|9|Hi, my parcel did not arrive and I would like a refund or a new delivery."
  "operator|15|I am sorry to hear that. Could you give me a phone number where we can reach you?"
  "customer|21|Sure, it is four one five, five five five, zero one three two."
  "operator|28|Thank you. And the delivery address, please?"
  "customer|32|It is twelve Baker Street, apartment four, Springfield."
  "operator|38|Got it. I will arrange a new delivery for tomorrow. Is there anything else?"
  "customer|45|No, that is all. Thank you, goodbye."
)
for channel in operator customer; do
  parts=()
  cursor=0
  for entry in "${lines[@]}"; do
    IFS='|' read -r who start text <<<"$entry"
    [ "$who" = "$channel" ] || continue
    voice=$([ "$who" = operator ] && echo "en-us+f3" || echo "en-us+m3")
    espeak-ng -v "$voice" -s 150 -w "$tmp/utt.wav" "$text"
    sox "$tmp/utt.wav" -r 16000 -c 1 "$tmp/$who-$start.wav"
    gap=$(python3 -c "print(max(0.0, $start - $cursor))")
    sox -n -r 16000 -c 1 "$tmp/gap-$who-$start.wav" trim 0 "$gap"
    parts+=("$tmp/gap-$who-$start.wav" "$tmp/$who-$start.wav")
    cursor=$(python3 -c "print($start + $(soxi -D "$tmp/$who-$start.wav"))")
  done
  sox "${parts[@]}" "$tmp/$channel.wav" pad 0 3
done
sox -M "$tmp/operator.wav" "$tmp/customer.wav" -c 2 demo_call.flac
soxi demo_call.flac
