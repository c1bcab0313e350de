{
  "targets": [
    {
      "target_name": "tethered",
      "conditions": [
        ["OS=='linux'", {
          "sources": [
            "native/addon.cc",
            "native/env_channel.cc",
            "native/launch.cc",
            "native/reaper.cc",
            "native/spawner.cc",
            "native/sync_runner.cc"
          ],
          "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api"],
          "defines": [
            "NAPI_VERSION=8",
            "NODE_ADDON_API_DISABLE_DEPRECATED",
            "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"
          ],
          "libraries": ["-ldl"],
          "cflags_cc": [
            "-std=c++17",
            "-fvisibility=hidden",
            "-fstack-protector-strong",
            "-Wall",
            "-Wextra"
          ]
        }, {
          "type": "none"
        }]
      ]
    }
  ]
}
