{
  "targets": [
    {
      # The tree-mode helper (native/guardian/guardian.cc): static, no libc, its own _start. Plain flags
      # that any gcc/clang (cross compilers included) accept.
      "target_name": "tethered-guardian",
      "conditions": [
        ["OS=='linux'", {
          "type": "executable",
          "sources": ["native/guardian/guardian.cc"],
          "cflags!": ["-pthread", "-fPIC", "-fstack-protector-strong"],
          "cflags_cc!": ["-std=gnu++17", "-std=gnu++20", "-fPIC"],
          "cflags_cc": [
            "-std=c++17",
            "-Os",
            "-ffreestanding",
            "-fno-pie",
            "-fno-stack-protector",
            "-fno-exceptions",
            "-fno-rtti",
            "-fno-asynchronous-unwind-tables",
            "-fno-unwind-tables",
            "-ffunction-sections",
            "-fdata-sections",
            "-Wall",
            "-Wextra"
          ],
          "conditions": [
            # The command child runs on the guardian's stack (vfork): no red zone below it.
            ["target_arch=='x64'", {"cflags_cc": ["-mno-red-zone"]}]
          ],
          "ldflags!": ["-pthread", "-rdynamic"],
          "ldflags": [
            "-static",
            "-nostdlib",
            "-nostartfiles",
            "-no-pie",
            "-s",
            "-Wl,--gc-sections",
            "-Wl,-z,noexecstack",
            "-Wl,--build-id=none"
          ]
        }, {
          "type": "none"
        }]
      ]
    },
    {
      "target_name": "tethered",
      "conditions": [
        ["OS=='linux'", {
          "dependencies": [
            "tethered-guardian",
            "<!(node -p \"require('node-addon-api').targets\"):node_addon_api"
          ],
          "sources": [
            "native/addon.cc",
            "native/child_calls.cc",
            "native/env_channel.cc",
            "native/env_state.cc",
            "native/guardians.cc",
            "native/js_values.cc",
            "native/launch.cc",
            "native/reaper.cc",
            "native/spawner.cc",
            "native/sync_runner.cc",
            "native/syscalls.cc",
            "native/tree_launch.cc",
            "<(INTERMEDIATE_DIR)/guardian_embed.cc"
          ],
          "actions": [
            {
              "action_name": "embed_guardian",
              "inputs": ["native/embed_guardian.mjs", "<(PRODUCT_DIR)/tethered-guardian"],
              "outputs": ["<(INTERMEDIATE_DIR)/guardian_embed.cc"],
              "action": [
                "node",
                "native/embed_guardian.mjs",
                "<(PRODUCT_DIR)/tethered-guardian",
                "<(INTERMEDIATE_DIR)/guardian_embed.cc"
              ]
            }
          ],
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
