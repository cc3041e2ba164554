/* The in-system tests, in the order they run: one name per test, the
 * function being test_NAME in the file that groups it. The fuzzer runs
 * late, and a test that checks the kernel survived it runs after it; tests
 * that could stop the whole machine if the kernel is wrong go last. */
#pragma once

#define KTEST_LIST(X)                                                   \
	/* test_basic.c */                                              \
	X(debug_write_prints_text)                                      \
	X(debug_write_refuses_more_than_4096_bytes)                     \
	X(debug_write_bad_pointer_faults_the_thread)                    \
	X(yield_lets_equal_priority_thread_run)                         \
	X(clock_counts_milliseconds_and_instructions)                   \
	X(thread_id_names_each_thread)                                  \
	X(unknown_syscall_faults_with_its_number)                       \
	/* test_caps.c */                                               \
	X(cap_identify_describes_boot_capabilities)                     \
	X(cap_identify_refuses_slots_out_of_range)                      \
	X(cap_copy_only_removes_rights)                                 \
	X(cap_copy_badges_an_unbadged_endpoint_once)                    \
	X(cap_copy_move_empties_the_source)                             \
	X(cap_copy_checks_its_arguments)                                \
	X(reply_capability_moves_but_never_copies)                      \
	X(cap_delete_empties_the_slot)                                  \
	X(deleting_last_capability_destroys_the_object)                 \
	X(obj_destroy_invalidates_every_copy)                           \
	X(obj_destroy_checks_type_and_rights)                           \
	X(destroying_a_task_stops_its_threads)                          \
	/* test_mem.c */                                                \
	X(mem_alloc_gives_zeroed_writable_pages)                        \
	X(mem_alloc_checks_its_arguments)                               \
	X(pool_quota_runs_out_and_comes_back)                           \
	X(pool_split_moves_quota_and_returns_it)                        \
	X(pool_info_reports_quota_and_free_frames)                      \
	X(mem_phys_tells_only_dma_frames_their_address)                 \
	X(mem_map_checks_its_arguments)                                 \
	X(mem_map_maps_part_of_a_frame)                                 \
	X(read_only_mapping_faults_on_write)                            \
	X(fault_handler_maps_page_and_retries)                          \
	X(mem_unmap_removes_mappings)                                   \
	X(mapping_keeps_frame_until_unmapped)                           \
	X(boot_module_is_mapped_read_only)                              \
	X(mem_device_maps_pci_configuration_space)                      \
	/* test_ipc_local.c */                                          \
	X(nbsend_without_receiver_would_block)                          \
	X(nbsend_reaches_a_waiting_receiver)                            \
	X(recv_poll_takes_a_waiting_sender)                             \
	X(recv_timeout_expires_on_time)                                 \
	X(ipc_checks_capability_type_and_rights)                        \
	X(oversized_messages_are_refused)                               \
	X(reply_without_a_caller_fails)                                 \
	X(reply_save_lets_a_later_send_answer)                          \
	X(dropped_reply_capability_gives_no_reply)                      \
	X(destroyed_endpoint_wakes_waiters_with_dead)                   \
	X(suspend_cancels_a_blocked_ipc)                                \
	/* test_ipc.c */                                                \
	X(call_and_answer_with_no_words)                                \
	X(fast_and_general_paths_deliver_the_same_messages)             \
	X(call_and_answer_with_register_words)                          \
	X(call_and_answer_with_buffer_words)                            \
	X(server_answers_repeated_calls_with_reply_recv)                \
	X(badges_identify_clients)                                      \
	X(capabilities_travel_with_a_call)                              \
	X(moved_capability_leaves_the_sender)                           \
	X(capabilities_need_the_grant_right)                            \
	X(receiver_maps_a_sent_frame_and_sees_its_data)                 \
	X(answer_can_carry_a_capability)                                \
	X(call_to_destroyed_server_fails_with_dead)                     \
	X(task_cannot_use_an_endpoint_it_was_not_given)                 \
	/* test_fault.c */                                              \
	X(page_fault_reaches_handler_with_address)                      \
	X(fault_handler_resumes_thread_elsewhere)                       \
	X(privileged_instruction_reaches_handler)                       \
	X(divide_error_reaches_handler)                                 \
	X(invalid_opcode_reaches_handler)                               \
	X(debug_trap_reaches_handler_as_other_fault)                    \
	X(task_cannot_read_another_tasks_memory)                        \
	X(task_cannot_write_another_tasks_memory)                       \
	X(task_cannot_use_ports_it_was_not_given)                       \
	X(task_uses_exactly_the_ports_it_was_given)                     \
	X(thread_exit_reports_its_status)                               \
	X(fault_without_handler_stops_the_thread)                       \
	/* test_sched.c */                                              \
	X(thread_create_checks_its_arguments)                           \
	X(thread_configure_checks_priority_and_endpoint)                \
	X(thread_start_runs_a_thread_once)                              \
	X(thread_start_restarts_a_suspended_thread)                     \
	X(cap_identify_tells_the_ticks_a_thread_ran)                    \
	X(suspend_stops_a_thread_and_resume_continues_it)               \
	X(thread_regs_reads_and_writes_a_suspended_thread)              \
	X(thread_regs_checks_state_rights_and_registers)                \
	X(thread_regs_writes_cannot_hurt_the_kernel)                    \
	X(higher_priority_thread_preempts_lower)                        \
	X(equal_priority_threads_share_the_cpu)                         \
	X(fpu_registers_survive_preemption)                             \
	/* test_irq.c */                                                \
	X(serial_interrupt_reaches_bound_endpoint)                      \
	X(interrupt_stays_pending_until_received)                       \
	X(interrupt_and_signal_share_the_notification_word)             \
	X(irq_calls_check_their_arguments)                              \
	X(ioport_get_makes_only_sub_ranges)                             \
	X(second_driver_cannot_take_a_bound_line)                       \
	X(devmem_narrows_and_never_widens)                              \
	X(msi_reaches_bound_endpoint)                                   \
	/* test_notify.c */                                             \
	X(signal_wakes_a_waiting_receiver)                              \
	X(signals_merge_until_received)                                 \
	X(notification_and_message_share_one_receive)                   \
	X(signal_refuses_what_it_must)                                  \
	X(signals_from_another_task_never_block)                        \
	/* test_share.c */                                              \
	X(share_lends_pages_and_takes_them_back)                        \
	X(share_refuses_what_it_cannot_lend)                            \
	X(share_ends_with_its_last_capability)                          \
	X(a_task_that_dies_while_sharing_takes_its_pages_back)          \
	X(a_borrower_spinning_on_a_lent_page_faults_once_it_is_revoked) \
	X(a_borrower_stopped_in_a_fault_finds_the_page_gone)            \
	X(boot_pages_lend_only_as_mapped)                               \
	X(shares_run_out_by_quota_and_all_come_back)                    \
	/* test_hostile.c */                                            \
	X(compatibility_mode_cannot_be_entered)                         \
	X(no_thread_can_run_at_the_top_of_user_space)                   \
	X(device_memory_cannot_wrap_onto_ram)                           \
	X(kernel_devices_are_refused_as_device_memory)                  \
	X(kernel_copies_never_touch_device_memory)                      \
	X(object_quota_confines_a_pool)                                 \
	X(a_hog_exhausts_only_its_own_pool)                             \
	X(reply_capability_moved_through_ipc_still_answers)             \
	X(thread_exit_never_returns)                                    \
	X(segment_selectors_do_not_pass_between_threads)                \
	X(every_capability_honours_its_rights)                          \
	X(descriptor_tables_are_hidden_where_the_cpu_can)               \
	X(receive_timeout_is_kept_beside_a_spinner)                     \
	X(a_half_line_cannot_be_finished_by_another_writer)             \
	X(fs_base_is_per_thread)                                        \
	X(msi_window_is_refused_as_device_memory)                       \
	X(call_number_is_the_whole_of_rax)                              \
	X(server_that_exits_releases_its_caller)                        \
	X(unmap_past_the_top_is_refused)                                \
	X(long_calls_keep_the_clock)                                    \
	X(odd_entries_stay_faults_of_the_thread)                        \
	/* test_stress.c, test_reclaim.c */                             \
	X(thousand_tasks_are_reclaimed_exactly)                         \
	X(tasks_that_only_hold_each_other_are_reclaimed)                \
	X(fuzzed_system_calls_leave_the_kernel_working)                 \
	X(kernel_serves_calls_after_fuzzing)                            \
	/* last: a kernel that gets this wrong loops for ever */        \
	X(quota_returns_through_dead_parent_pools)
